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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two grantwatch nodes on one PostgreSQL, many grants whose access tokens live three seconds, for
 * a minute: each refresh must happen under the cross-node lock, so the simulator never sees a
 * retired refresh token, no grant is lost, and every grant stays HEALTHY.
 */
class TwoNodeRefreshPostgresTest {
    private static final int GRANTS = 40;
    private static final Duration RUN = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    @Test
    void twoNodesNeverRaceForARefreshToken() throws Exception {
        try (AtlassianSimulator simulator = AtlassianSimulator.start(); TestDatabase database = TestDatabase.postgres()) {
            simulator.setAccessTokenLifetime(Duration.ofSeconds(3));
            List<Application> nodes = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Map<String, String> env = AppHarness.withRefresh(
                            AppHarness.environment(database, simulator, dataDir.resolve("node" + i)), simulator);
                    env.put("GRANTWATCH_POLLING_INTERVAL", "PT1S");
                    env.put("GRANTWATCH_POLLING_DISPATCHPERIOD", "PT0.1S");
                    env.put("GRANTWATCH_POLLING_DISPATCHERS", "2");
                    env.put("GRANTWATCH_TOKENS_REFRESHMARGIN", "PT1S");
                    nodes.add(AppHarness.start(env));
                }
                ApiClient first = new ApiClient(nodes.get(0).port(), AppHarness.API_KEY);
                ApiClient second = new ApiClient(nodes.get(1).port(), AppHarness.API_KEY);
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < GRANTS; i++) {
                    SimGrant sim = simulator.newGrant();
                    sim.setSites(List.of(SimSite.of("site-" + i, "read:jira-work")));
                    ApiClient.Response created = (i % 2 == 0 ? first : second).post("/v1/grants", Map.of(
                            "accessToken", sim.accessToken(), "refreshToken", sim.refreshToken(),
                            "expiresAt", sim.accessTokenExpiresAt().toString()));
                    assertThat(created.status()).as(created.body()).isEqualTo(201);
                    ids.add(created.json().get("id").asLong());
                }
                long deadline = System.nanoTime() + RUN.toNanos();
                // Meanwhile the integration asks both nodes for tokens, as it would before calling a site.
                int handedOut = 0;
                while (System.nanoTime() < deadline) {
                    for (long id : ids) {
                        ApiClient node = handedOut++ % 2 == 0 ? first : second;
                        assertThat(node.get("/v1/grants/" + id + "/token").status()).isEqualTo(200);
                    }
                    Thread.sleep(500);
                }

                assertThat(simulator.retiredRefreshTokenPresentations()).as("retired refresh tokens presented").isZero();
                assertThat(simulator.refreshCount()).as("refreshes in a minute").isGreaterThan(GRANTS * 10L);
                for (long id : ids) {
                    JsonNode grant = first.get("/v1/grants/" + id).json();
                    assertThat(grant.get("status").asText()).as("grant %d", id).isEqualTo("HEALTHY");
                }
                JsonNode events = first.get("/v1/events?limit=1000").json().get("events");
                assertThat(events).hasSize(GRANTS);
                events.forEach(event -> assertThat(event.get("type").asText()).isEqualTo("site.granted"));
            } finally {
                nodes.forEach(Application::close);
            }
        }
    }
}
