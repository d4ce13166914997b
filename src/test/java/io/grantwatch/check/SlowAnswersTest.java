package io.grantwatch.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.GrantwatchExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A slow answer holds back only its own grant: while the answers of a few grants are held in the
 * simulator, the dispatchers go on checking and recording all the others, window after window.
 * Nothing here is timed: the slow answers stay held until the fast results are seen recorded.
 */
class SlowAnswersTest {
    @RegisterExtension
    static final GrantwatchExtension grantwatch = GrantwatchExtension.create()
            .env("GRANTWATCH_POLLING_INTERVAL", "PT2S")
            .env("GRANTWATCH_POLLING_DISPATCHPERIOD", "PT0.2S")
            // Held answers must not time out while the test looks: the test lets them go, not the client.
            .env("GRANTWATCH_ATLASSIAN_REQUESTTIMEOUT", "PT2M");

    @Test
    void fastGrantsAreRecordedWhileSlowOnesAreInFlight() {
        List<SimGrant> sims = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            SimGrant sim = grantwatch.simulator().newGrant();
            sim.setSites(List.of(SimSite.of("site-" + i, "read:jira-work", "write:jira-work")));
            sims.add(sim);
            ApiClient.Response created = grantwatch.api().post("/v1/grants", Map.of("accessToken", sim.accessToken()));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            ids.add(created.json().get("id").asLong());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> status(id).equals("HEALTHY")));

        CountDownLatch release = new CountDownLatch(1);
        List<Integer> slow = List.of(3, 14, 27);
        slow.forEach(index -> sims.get(index).holdAnswersUntil(release));
        // Every grant changes, so that each recorded check of the new state leaves an event.
        sims.forEach(sim -> sim.setScopes(sim.sites().getFirst().cloudId(), "read:jira-work"));
        List<Long> fast = new ArrayList<>(ids);
        slow.forEach(index -> fast.remove(ids.get(index)));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> fast.stream().allMatch(id -> types(id).contains("site.scopes_changed")));
            // The slow grants' checks are still held: each has at most its answer from before the change recorded.
            assertThat(slow).allSatisfy(index -> assertThat(types(ids.get(index))).as("grant %d", index).containsExactly("site.granted"));
            assertThat(slow).allSatisfy(index -> assertThat(sims.get(index).requestCount()).isGreaterThan(1));
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(60)).until(() ->
                slow.stream().allMatch(index -> types(ids.get(index)).contains("site.scopes_changed")));
        // A held grant was never checked twice at once: its next slots passed while its check was in flight.
        assertThat(slow).allSatisfy(index -> assertThat(types(ids.get(index))).containsExactly("site.granted", "site.scopes_changed"));
    }

    private static String status(long id) {
        return grantwatch.api().get("/v1/grants/" + id).json().get("status").asText();
    }

    private static List<String> types(long id) {
        List<String> types = new ArrayList<>();
        grantwatch.api().get("/v1/events?grantId=" + id).json().get("events").forEach(event -> types.add(event.get("type").asText()));
        return types;
    }
}
