package io.grantwatch.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.GrantwatchExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A refresh storm: a few hundred grants all due for a refresh at once, the token endpoint slow and
 * held shut by the test, a pool of four database connections. Every one of those refreshes is in flight
 * at once, far more than the pool could hold if a refresh kept its connection across the call, and
 * meanwhile the grants that need no refresh go on being checked and recorded; once the endpoint
 * answers, every grant is refreshed, its rotated tokens stored and used. Nothing here is timed: the
 * endpoint stays shut until the fast grants' results are seen recorded. Extended once per database.
 */
abstract class RefreshStormContract {
    private static final int STORM = 200;
    private static final int FAST = 30;
    private static final int POOL = 4;

    @RegisterExtension
    static final GrantwatchExtension grantwatch = GrantwatchExtension.create()
            .withRefresh()
            .env("GRANTWATCH_DATABASE_POOLSIZE", String.valueOf(POOL))
            .env("GRANTWATCH_POLLING_INTERVAL", "PT2S")
            .env("GRANTWATCH_POLLING_DISPATCHPERIOD", "PT0.2S")
            // Held refreshes must not time out while the test looks: the test lets them go, not the client.
            .env("GRANTWATCH_ATLASSIAN_REQUESTTIMEOUT", "PT2M");

    @Test
    void everyGrantIsRefreshedAndCheckedAndRefreshesInFlightTakeNoConnection() {
        grantwatch.simulator().setRefreshLatency(Duration.ofMillis(200));
        List<SimGrant> fastSims = sims(FAST, "fast");
        List<Long> fast = importGrants(fastSims, "fast", 3600);
        await().atMost(Duration.ofSeconds(60)).until(() -> fast.stream().allMatch(id -> status(id).equals("HEALTHY")));
        assertThat(grantwatch.simulator().refreshCount()).isZero();

        CountDownLatch gate = new CountDownLatch(1);
        grantwatch.simulator().holdTokenEndpointUntil(gate);
        List<SimGrant> stormSims = sims(STORM, "storm");
        List<Long> storm;
        try {
            // A minute to live: inside every grant's refresh point (at least half the five-minute margin), so due at once.
            storm = importGrants(stormSims, "storm", 60);
            // Every storm grant's refresh is at the token endpoint at once: 200 calls in flight with 4 connections.
            await().atMost(Duration.ofSeconds(90)).until(() -> grantwatch.simulator().tokenCallsHeld() == STORM);
            assertThat(leasesHeld()).as("leases of the refreshes in flight").isEqualTo(STORM);

            // Meanwhile the grants that need no refresh are checked and recorded: each change shows as an event.
            fastSims.forEach(sim -> sim.setScopes(sim.sites().getFirst().cloudId(), "read:jira-work"));
            await().atMost(Duration.ofSeconds(60)).until(() -> fast.stream().allMatch(id -> types(id).contains("site.scopes_changed")));
            assertThat(grantwatch.simulator().tokenCallsHeld()).as("still held").isEqualTo(STORM);
            assertThat(grantwatch.simulator().refreshCount()).isZero();
            assertThat(storm).allSatisfy(id -> assertThat(tokenVersion(id)).isZero());
        } finally {
            gate.countDown();
            grantwatch.simulator().holdTokenEndpointUntil(null);
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> storm.stream().allMatch(id -> tokenVersion(id) == 1
                && status(id).equals("HEALTHY")));
        assertThat(stormSims).allSatisfy(sim -> assertThat(sim.refreshCount()).isEqualTo(1));
        assertThat(fastSims).allSatisfy(sim -> assertThat(sim.refreshCount()).isZero());
        assertThat(leasesHeld()).isZero();
        for (int i = 0; i < STORM; i++) {
            long id = storm.get(i);
            // Checked with the rotated token (the simulator no longer takes the old one), and it is the one stored.
            assertThat(types(id)).as("grant %d", id).containsExactly("site.granted");
            assertThat(grantwatch.api().get("/v1/grants/" + id + "/token").json().get("accessToken").asText())
                    .isEqualTo(stormSims.get(i).accessToken());
        }
        assertThat(grantwatch.simulator().retiredRefreshTokenPresentations()).isZero();
    }

    private static List<SimGrant> sims(int count, String prefix) {
        List<SimGrant> sims = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SimGrant sim = grantwatch.simulator().newGrant();
            sim.setSites(List.of(SimSite.of(prefix + "-" + i, "read:jira-work", "write:jira-work")));
            sims.add(sim);
        }
        return sims;
    }

    /** Through the bulk import, as an operator moving grants in would; the ids in the order of {@code sims}. */
    private static List<Long> importGrants(List<SimGrant> sims, String prefix, int expiresIn) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < sims.size(); i++) {
            Map<String, Object> item = new HashMap<>();
            item.put("accessToken", sims.get(i).accessToken());
            item.put("refreshToken", sims.get(i).refreshToken());
            item.put("expiresIn", expiresIn);
            item.put("externalId", prefix + "-" + i);
            items.add(item);
        }
        ApiClient.Response answer = grantwatch.api().post("/v1/grants/import", Map.of("grants", items));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("imported").asInt()).isEqualTo(sims.size());
        List<Long> ids = new ArrayList<>();
        answer.json().get("grants").forEach(grant -> ids.add(grant.get("id").asLong()));
        return ids;
    }

    private static String status(long id) {
        return grantwatch.api().get("/v1/grants/" + id).json().get("status").asText();
    }

    private static List<String> types(long id) {
        List<String> types = new ArrayList<>();
        JsonNode events = grantwatch.api().get("/v1/events?limit=1000&grantId=" + id).json().get("events");
        events.forEach(event -> types.add(event.get("type").asText()));
        return types;
    }

    private static int tokenVersion(long id) {
        return grantwatch.jdbi().withHandle(handle -> handle.createQuery("SELECT token_version FROM grants WHERE id = :id")
                .bind("id", id).mapTo(Integer.class).one());
    }

    private static long leasesHeld() {
        return grantwatch.jdbi().withHandle(handle -> handle
                .createQuery("SELECT COUNT(*) FROM grants WHERE refresh_lease_by IS NOT NULL").mapTo(Long.class).one());
    }
}
