package io.grantwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

/** Without anyone asking, every grant is checked again and again at its regular slots. Extended once per database. */
abstract class RegularScheduleContract {
    @TempDir
    Path dataDir;

    abstract TestDatabase newDatabase();

    @Test
    void everyGrantIsCheckedEveryInterval() {
        try (AtlassianSimulator simulator = AtlassianSimulator.start(); TestDatabase database = newDatabase()) {
            Map<String, String> env = AppHarness.environment(database, simulator, dataDir);
            env.put("GRANTWATCH_POLLING_INTERVAL", "PT1S");
            env.put("GRANTWATCH_POLLING_DISPATCHPERIOD", "PT0.1S");
            try (Application app = AppHarness.start(env)) {
                ApiClient api = new ApiClient(app.port(), AppHarness.API_KEY);
                List<SimGrant> grants = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    SimGrant grant = simulator.newGrant();
                    grant.setSites(List.of(SimSite.of("site-" + i, "read:jira-work")));
                    grants.add(grant);
                    assertThat(api.post("/v1/grants", Map.of("accessToken", grant.accessToken())).status()).isEqualTo(201);
                }
                // The first check is the immediate one; five more can only come from the schedule.
                await().atMost(Duration.ofSeconds(60)).until(() -> grants.stream().allMatch(grant -> grant.requestCount() >= 6));
            }
        }
    }
}
