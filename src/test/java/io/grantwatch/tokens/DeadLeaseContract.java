package io.grantwatch.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.db.GrantDao;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.GrantwatchExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node that took a grant's refresh lease and died before it stored anything (the lease written
 * through the DAO, as that node left it): while the lease holds, no other node refreshes the grant,
 * though a grant without a lease is refreshed in the same round; once the lease has run out (on the
 * clock the lease is written in), the live node refreshes it, stores the rotated tokens and uses them.
 * Extended once per database.
 */
abstract class DeadLeaseContract {
    /** The lease a node with this configuration takes: twice the request timeout and 30 s (TokenRefresher). */
    private static final Duration LEASE = Duration.ofSeconds(2 * 1 + 30);
    private static final String DEAD_NODE = "a-node-that-died";

    @RegisterExtension
    static final GrantwatchExtension grantwatch = GrantwatchExtension.create()
            .withRefresh()
            .settableClock()
            // A round after the clock moved past a whole interval has every grant due: no phase is left to chance.
            .env("GRANTWATCH_POLLING_INTERVAL", "PT1M")
            .env("GRANTWATCH_ATLASSIAN_REQUESTTIMEOUT", "PT1S")
            .env("GRANTWATCH_TOKENS_REFRESHMARGIN", "PT5M");

    @Test
    void aDeadNodesLeaseHoldsUntilItRunsOutThenTheGrantIsRefreshedAndItsTokensUsed() throws Exception {
        SimGrant leasedSim = simGrant("Leased");
        SimGrant freeSim = simGrant("Free");
        long leased = register(leasedSim);
        long free = register(freeSim);
        grantwatch.runDue(); // the regular schedule starts from here
        // Both tokens a minute from expiry: inside any grant's drawn refresh point, so both are due for a refresh.
        grantwatch.clock().tick(Duration.between(grantwatch.clock().instant(), leasedSim.accessTokenExpiresAt()).minusSeconds(60));
        Instant now = grantwatch.clock().instant();
        boolean taken = grantwatch.jdbi().withHandle(handle ->
                new GrantDao(handle).claimRefreshLease(leased, 0, DEAD_NODE, now, now.plus(LEASE)));
        assertThat(taken).isTrue();

        // A thread of its own: on the common pool (one thread on two cores) the checks' HTTP calls were starved.
        ExecutorService thread = Executors.newSingleThreadExecutor();
        CompletableFuture<Integer> round = CompletableFuture.supplyAsync(grantwatch::runDue, thread);
        try {
            // The positive signal: the grant without a lease is refreshed in this round, its tokens stored.
            await().atMost(Duration.ofSeconds(20)).until(() -> freeSim.refreshCount() == 1 && tokenVersion(free) == 1);
            // and its check recorded, while the leased grant's check is the one still in flight: it waits for the lease.
            await().atMost(Duration.ofSeconds(20)).until(() -> now.equals(lastCheckedAt(free)) && checksInFlight() == 1);
            assertThat(round).isNotDone();
            assertThat(leasedSim.refreshCount()).isZero();
            assertThat(tokenVersion(leased)).isZero();
            assertThat(leaseHolder(leased)).isEqualTo(DEAD_NODE);

            // The dead node's lease runs out: the live node takes it and refreshes.
            grantwatch.clock().tick(LEASE.plusSeconds(1));
            assertThat(round.get(20, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(2);
        } finally {
            if (!round.isDone()) {
                grantwatch.clock().tick(LEASE.plusSeconds(1));
            }
            round.get(60, TimeUnit.SECONDS);
            thread.shutdown();
        }
        assertThat(leasedSim.refreshCount()).isEqualTo(1);
        assertThat(tokenVersion(leased)).isEqualTo(1);
        assertThat(leaseHolder(leased)).isNull();
        // Stored before use, and used: the token handed out is the rotated one, and the simulator, which no
        // longer takes the old one, answers the check made with it.
        assertThat(grantwatch.api().get("/v1/grants/" + leased + "/token").json().get("accessToken").asText())
                .isEqualTo(leasedSim.accessToken());
        long requests = leasedSim.requestCount();
        ApiClient.Response checked = grantwatch.api().post("/v1/grants/" + leased + "/check", null);
        assertThat(checked.json().get("status").asText()).as(checked.body()).isEqualTo("HEALTHY");
        assertThat(checked.json().get("sites")).hasSize(1);
        assertThat(leasedSim.requestCount()).isEqualTo(requests + 1);
        assertThat(leasedSim.refreshCount()).isEqualTo(1);
        assertThat(grantwatch.simulator().retiredRefreshTokenPresentations()).isZero();
    }

    private static SimGrant simGrant(String site) {
        SimGrant sim = grantwatch.simulator().newGrant();
        sim.setSites(java.util.List.of(SimSite.of(site, "read:jira-work")));
        return sim;
    }

    private static long register(SimGrant sim) {
        ApiClient.Response created = grantwatch.api().post("/v1/grants", Map.of("accessToken", sim.accessToken(),
                "refreshToken", sim.refreshToken(), "expiresAt", sim.accessTokenExpiresAt().toString()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                grantwatch.api().get("/v1/grants/" + id).json().get("status").asText().equals("HEALTHY"));
        assertThat(sim.refreshCount()).isZero();
        return id;
    }

    private static int tokenVersion(long id) {
        return grantwatch.jdbi().withHandle(handle -> handle.createQuery("SELECT token_version FROM grants WHERE id = :id")
                .bind("id", id).mapTo(Integer.class).one());
    }

    private static Instant lastCheckedAt(long id) {
        return grantwatch.jdbi().withHandle(handle -> handle.createQuery("SELECT last_checked_at FROM grants WHERE id = :id")
                .bind("id", id).mapTo(Instant.class).one());
    }

    private static double checksInFlight() {
        return grantwatch.app().metrics().find("grantwatch.checks.inflight").gauge().value();
    }

    private static String leaseHolder(long id) {
        return grantwatch.jdbi().withHandle(handle -> handle.createQuery("SELECT refresh_lease_by FROM grants WHERE id = :id")
                .bind("id", id).mapTo(String.class).one());
    }
}
