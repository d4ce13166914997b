package io.grantwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Application;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.AppHarness;
import io.grantwatch.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A site that vanishes is checked once more before site.revoked, so a flapping gateway revokes nothing. */
class RemovalConfirmationTest {
    static final SimSite ALPHA = SimSite.of("Alpha", "read:jira-work");
    static final SimSite BETA = SimSite.of("Beta", "read:jira-user");

    @TempDir
    Path dataDir;

    @Test
    void aRemovalCountsOnlyWhenASecondAnswerAgreesAndAFlapCountsNotAtAll() {
        try (AtlassianSimulator simulator = AtlassianSimulator.start(); TestDatabase database = TestDatabase.h2()) {
            Map<String, String> env = AppHarness.environment(database, simulator, dataDir);
            env.put("GRANTWATCH_POLLING_REMOVALCONFIRMDELAY", "PT0.5S");
            env.put("GRANTWATCH_POLLING_DISPATCHPERIOD", "PT0.1S");
            try (Application app = AppHarness.start(env)) {
                ApiClient api = new ApiClient(app.port(), AppHarness.API_KEY);
                SimGrant flapping = simulator.newGrant();
                flapping.setSites(List.of(ALPHA, BETA));
                SimGrant removing = simulator.newGrant();
                removing.setSites(List.of(ALPHA, BETA));
                long flapId = register(api, flapping);
                long removeId = register(api, removing);

                flapping.removeSite(BETA.cloudId());
                removing.removeSite(BETA.cloudId());
                JsonNode pending = api.post("/v1/grants/" + flapId + "/check", null).json();
                assertThat(pending.get("sites")).hasSize(2);
                assertThat(api.post("/v1/grants/" + removeId + "/check", null).json().get("sites")).hasSize(2);
                Instant firstLook = Instant.parse(pending.get("lastCheckedAt").asText());
                flapping.addSite(BETA); // back before the second look

                await().atMost(Duration.ofSeconds(20)).until(() -> types(api, removeId).contains("site.revoked"));
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        Instant.parse(api.get("/v1/grants/" + flapId).json().get("lastCheckedAt").asText()).isAfter(firstLook));
                assertThat(types(api, removeId)).containsExactly("site.granted", "site.granted", "site.revoked");
                assertThat(types(api, flapId)).containsExactly("site.granted", "site.granted");
                assertThat(api.get("/v1/grants/" + flapId).json().get("sites")).hasSize(2);
                assertThat(api.get("/v1/grants/" + removeId).json().get("sites")).hasSize(1);
            }
        }
    }

    private static long register(ApiClient api, SimGrant grant) {
        long id = api.post("/v1/grants", Map.of("accessToken", grant.accessToken())).json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/grants/" + id).json().get("status").asText().equals("HEALTHY"));
        return id;
    }

    private static List<String> types(ApiClient api, long id) {
        JsonNode events = api.get("/v1/events?grantId=" + id).json().get("events");
        return StreamSupport.stream(events.spliterator(), false).map(event -> event.get("type").asText()).toList();
    }
}
