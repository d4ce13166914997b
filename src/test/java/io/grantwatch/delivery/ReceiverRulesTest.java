package io.grantwatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Application;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.AppHarness;
import io.grantwatch.testing.Receiver;
import io.grantwatch.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver rules through the daemon: metadata addresses are refused at subscription, and a
 * subscription that was fine when made is refused at each delivery once its address is not (here:
 * a loopback receiver, after a restart with delivery.allowPrivateNetworks=false).
 */
class ReceiverRulesTest {
    @TempDir
    Path folder;

    @Test
    void metadataUrlsAreRefusedAtSubscriptionAndAnAddressNoLongerAllowedAtDelivery() {
        try (AtlassianSimulator simulator = AtlassianSimulator.start(); TestDatabase database = TestDatabase.h2();
                Receiver receiver = Receiver.start()) {
            Map<String, String> env = AppHarness.environment(database, simulator, folder);
            try (Application app = AppHarness.start(env)) {
                ApiClient api = new ApiClient(app.port(), AppHarness.API_KEY);
                for (String url : List.of("http://169.254.169.254/latest/meta-data/iam/", "http://[fd00:ec2::254]/",
                        "http://[fe80::1]:8080/hook", "http://[::ffff:169.254.169.254]/", "http://100.100.100.200/")) {
                    ApiClient.Response refused = api.post("/v1/webhooks", Map.of("url", url));
                    assertThat(refused.status()).as(url).isEqualTo(400);
                    assertThat(refused.json().get("error").asText()).isEqualTo("invalid_field");
                    assertThat(refused.json().get("message").asText()).contains("may not reach").doesNotContain("169.254");
                }
                assertThat(api.post("/v1/webhooks", Map.of("url", receiver.url())).status()).isEqualTo(201);
            }

            env.put("GRANTWATCH_DELIVERY_ALLOWPRIVATENETWORKS", "false");
            try (Application app = AppHarness.start(env)) {
                ApiClient api = new ApiClient(app.port(), AppHarness.API_KEY);
                ApiClient.Response refused = api.post("/v1/webhooks", Map.of("url", receiver.url()));
                assertThat(refused.status()).isEqualTo(400);
                assertThat(refused.json().get("message").asText()).contains("loopback");

                SimGrant sim = simulator.newGrant();
                sim.setSites(List.of(SimSite.of("Alpha", "read:jira-work")));
                assertThat(api.post("/v1/grants", Map.of("accessToken", sim.accessToken(), "expiresIn", 3600)).status())
                        .isEqualTo(201);
                await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/webhooks/1/deliveries").json()
                        .get("deliveries").size() >= 1);
                JsonNode attempt = api.get("/v1/webhooks/1/deliveries").json().get("deliveries").get(0);
                assertThat(attempt.get("outcome").asText()).isEqualTo("failed");
                assertThat(attempt.get("error").asText()).contains("loopback").doesNotContain("127.0.0.1");
                assertThat(receiver.requests()).isEmpty();
            }
        }
    }
}
