package io.grantwatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.config.Config;
import io.grantwatch.config.ConfigException;
import io.grantwatch.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookConfigTest {
    @TempDir
    Path dir;

    @Test
    void webhooksAreAListInYamlWithSecretsFromTheEnvironment() throws Exception {
        Path file = dir.resolve("grantwatch.yaml");
        Files.writeString(file, """
                webhooks:
                  - url: https://hooks.example.com/grantwatch
                    types: [site.revoked, grant.revoked]
                    secret: ${HOOK_SECRET}
                  - url: https://hooks.slack.com/services/T0/B0/XYZ
                    format: slack
                    grantIds: [1, 2]
                delivery:
                  maxAttempts: 5
                """);
        Config config = ConfigLoader.load(file, Map.of("HOOK_SECRET", "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0",
                "GRANTWATCH_DELIVERY_INITIALBACKOFF", "PT2S"));
        assertThat(config.webhooks()).hasSize(2);
        assertThat(config.webhooks().get(0).secret()).isEqualTo("whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0");
        assertThat(config.webhooks().get(0).format()).isEqualTo("cloudevents");
        assertThat(config.webhooks().get(1).grantIds()).containsExactly(1L, 2L);
        assertThat(config.delivery().maxAttempts()).isEqualTo(5);
        assertThat(config.delivery().initialBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.toString()).doesNotContain("whsec_").doesNotContain("XYZ");
    }

    @Test
    void theDefaultsAreDocumentedOnesAndEveryDeliveryKeyHasAnEnvironmentName() {
        Config config = ConfigLoader.load(null, Map.of());
        assertThat(config.webhooks()).isEmpty();
        assertThat(config.delivery().initialBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.delivery().maxAttempts()).isEqualTo(12);
        assertThat(ConfigLoader.keyPaths()).contains("delivery.maxBackoff", "delivery.requestTimeout", "delivery.lease")
                .doesNotContain("webhooks");
    }

    @Test
    void badDeliverySettingsAreRefusedByName() {
        Config.Delivery tooShort = new Config.Delivery(Duration.ofSeconds(5), Duration.ofSeconds(1), null, null, null, null,
                null, null, null);
        assertThatThrownBy(() -> DeliveryEngine.validate(tooShort)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("delivery.maxBackoff");
        Config.Delivery noAttempts = new Config.Delivery(null, null, 0, null, null, null, null, null, null);
        assertThatThrownBy(() -> DeliveryEngine.validate(noAttempts)).hasMessageContaining("delivery.maxAttempts");
    }
}
