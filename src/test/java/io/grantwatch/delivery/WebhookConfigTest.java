package io.grantwatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.cli.Main;
import io.grantwatch.config.Config;
import io.grantwatch.config.ConfigException;
import io.grantwatch.config.ConfigLoader;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
    void badDeliverySettingsAreRefusedByName() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("delivery:\n  initialBackoff: PT5S\n  maxBackoff: PT1S\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("delivery.maxBackoff must be at least delivery.initialBackoff");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("delivery:\n  maxAttempts: 0\n  lease: PT0.5S\n  source: ' '\n"),
                Map.of())).hasMessage("delivery.lease must be at least PT1S\n"
                        + "delivery.maxAttempts must be at least 1\n"
                        + "delivery.source must not be empty");
    }

    @Test
    void everyBadWebhookEntryIsReportedAtItsKeyWithoutItsValue() throws Exception {
        Path file = yaml("""
                webhooks:
                  - url: ftp://hooks.example.com/x
                    format: xml
                  - url: https://hooks.example.com/y
                    secret: whsec_dG9vLXNob3J0
                    types: [site.granted, site.exploded]
                    grantIds: [0]
                  - url: https://hooks.example.com/z
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContainingAll(
                        "webhooks[0].format must be 'cloudevents' or 'slack'",
                        "webhooks[0].url must be an absolute http:// or https:// URL",
                        "webhooks[1].grantIds must hold grant ids (positive whole numbers)",
                        "webhooks[1].secret must be whsec_ followed by the base64 of 24 to 64 bytes",
                        "webhooks[1].types holds an unknown event type; known: site.granted",
                        "webhooks[2].secret is required for signed (cloudevents) webhooks: "
                                + "generate one with: echo whsec_$(openssl rand -base64 32)")
                .hasMessageNotContaining("ftp:").hasMessageNotContaining("dG9vLXNob3J0").hasMessageNotContaining("hooks.example");
    }

    @Test
    void aValueOfTheWrongTypeInAnEntryIsNamedByItsKey() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("webhooks:\n  - url: https://hooks.example.com/x\n    grantIds: [one]\n"),
                Map.of())).hasMessageContaining("configuration key 'webhooks[0].grantIds[0]' has a bad value");
    }

    @Test
    void twoEntriesForOneSubscriptionAreRefused() throws Exception {
        Path file = yaml("""
                webhooks:
                  - url: https://hooks.slack.com/services/T0/B0/XYZ
                    format: slack
                    types: [site.revoked, grant.revoked]
                  - url: https://hooks.slack.com/services/T0/B0/XYZ
                    format: slack
                    types: [grant.revoked, site.revoked, grant.revoked]
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessage("webhooks[1] repeats an earlier webhook (same url, format and filters)");
    }

    @Test
    @Timeout(60) // were the daemon to start, "run" would wait for a stop signal
    void aBadWebhookStopsTheDaemonBeforeItOpensTheDatabase() throws Exception {
        Path data = dir.resolve("data");
        Path file = yaml("dataDir: " + data + "\nwebhooks:\n  - url: https://hooks.example.com/x\n");
        StringWriter err = new StringWriter();
        Main.Io io = new Main.Io(InputStream.nullInputStream(), new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true), Map.of());

        int code = Main.execute(io, "run", "--config", file.toString());

        assertThat(code).as(err.toString()).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("webhooks[0].secret is required");
        // Neither the H2 file nor the generated encryption key: nothing was opened or written.
        assertThat(data).doesNotExist();
    }

    private Path yaml(String text) throws Exception {
        Path file = dir.resolve("grantwatch.yaml");
        Files.writeString(file, text);
        return file;
    }
}
