package io.grantwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.GrantwatchExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Without anyone asking, every grant is checked again and again at its regular slots. Extended once per database. */
abstract class RegularScheduleContract {
    static final Duration INTERVAL = Duration.ofSeconds(10);
    static final SimSite ALPHA = SimSite.of("Alpha", "read:jira-work", "write:jira-work");

    @RegisterExtension
    static final GrantwatchExtension grantwatch = GrantwatchExtension.create()
            .settableClock()
            .env("GRANTWATCH_POLLING_INTERVAL", INTERVAL.toString())
            .env("GRANTWATCH_POLLING_DISPATCHPERIOD", "PT1S");

    @Test
    void everyGrantIsCheckedEveryInterval() {
        List<SimGrant> grants = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            SimGrant grant = grantwatch.simulator().newGrant();
            grant.setSites(List.of(SimSite.of("site-" + i, "read:jira-work")));
            grants.add(grant);
            long id = register(grant);
            await().atMost(Duration.ofSeconds(20)).until(() -> !grant(id).get("lastCheckedAt").isNull());
        }
        // The first check is the immediate one; five more can only come from the schedule, one per interval.
        for (int round = 1; round <= 5; round++) {
            grantwatch.clock().tick(INTERVAL);
            grantwatch.runDue();
            int checks = round + 1;
            assertThat(grants).allSatisfy(grant -> assertThat(grant.requestCount()).isGreaterThanOrEqualTo(checks));
        }
    }

    @Test
    void theDispatchersFindChangesWithoutBeingAsked() {
        SimGrant sim = grantwatch.simulator().newGrant();
        sim.setSites(List.of(ALPHA));
        long id = register(sim);
        await().atMost(Duration.ofSeconds(20)).until(() -> grant(id).get("status").asText().equals("HEALTHY"));
        sim.setScopes(ALPHA.cloudId(), "read:jira-work");
        // No runDue here: once the interval has passed, Quartz's dispatchers must pick the grant up on their own.
        grantwatch.clock().tick(INTERVAL);
        await().atMost(Duration.ofSeconds(30)).until(() -> types(id).contains("site.scopes_changed"));
        assertThat(types(id)).containsExactly("site.granted", "site.scopes_changed");
    }

    private static long register(SimGrant grant) {
        ApiClient.Response created = grantwatch.api().post("/v1/grants", Map.of("accessToken", grant.accessToken()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    private static JsonNode grant(long id) {
        return grantwatch.api().get("/v1/grants/" + id).json();
    }

    private static List<String> types(long id) {
        JsonNode events = grantwatch.api().get("/v1/events?grantId=" + id).json().get("events");
        return StreamSupport.stream(events.spliterator(), false).map(event -> event.get("type").asText()).toList();
    }
}
