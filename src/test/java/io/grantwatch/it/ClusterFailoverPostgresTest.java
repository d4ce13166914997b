package io.grantwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.DaemonProcess;
import io.grantwatch.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three grantwatch processes on one PostgreSQL share the grants; each grant is checked once per
 * interval, not once per node; when one process is killed with SIGKILL the others go on checking
 * its grants.
 */
class ClusterFailoverPostgresTest {
    private static final int GRANTS = 60;
    private static final Duration INTERVAL = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @Test
    void theNodesShareTheGrantsAndTakeOverFromOneThatDies() throws Exception {
        List<DaemonProcess> nodes = new ArrayList<>();
        try (AtlassianSimulator simulator = AtlassianSimulator.start(); TestDatabase database = TestDatabase.postgres()) {
            byte[] key = new byte[32];
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int port = DaemonProcess.freePort();
                ports.add(port);
                Path config = dir.resolve("node" + i + ".yaml");
                Files.writeString(config, """
                        dataDir: %s
                        database: {url: "%s", username: "%s", password: "%s"}
                        atlassian: {apiBaseUrl: %s, authBaseUrl: %s, requestTimeout: PT1S}
                        polling: {interval: %s, dispatchPeriod: PT0.2S, dispatchers: 2}
                        http: {port: %d, host: 127.0.0.1, apiKey: cluster}
                        encryption: {key: %s}
                        """.formatted(dir.resolve("data" + i), database.url(), database.username(), database.password(),
                        simulator.baseUrl(), simulator.baseUrl(), INTERVAL, port, Base64.getEncoder().encodeToString(key)));
                nodes.add(DaemonProcess.start(config, port, Path.of("target", "ClusterFailover-node" + i + ".log")));
            }
            ApiClient api = new ApiClient(ports.get(1), "cluster");
            List<SimGrant> grants = new ArrayList<>();
            for (int i = 0; i < GRANTS; i++) {
                SimGrant grant = simulator.newGrant();
                grant.setSites(List.of(SimSite.of("site-" + i, "read:jira-work")));
                grants.add(grant);
                assertThat(new ApiClient(ports.get(i % 3), "cluster").post("/v1/grants",
                        Map.of("accessToken", grant.accessToken())).status()).isEqualTo(201);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/v1/grants?limit=1000").json().get("grants")
                    .findValuesAsText("status").stream().allMatch("HEALTHY"::equals));

            // Once per interval, not once per node: wait until the cluster has made four intervals' worth of checks
            // (a slow machine only makes that take longer), then no grant may have had many more than four.
            long[] before = grants.stream().mapToLong(SimGrant::requestCount).toArray();
            long started = System.nanoTime();
            await().atMost(INTERVAL.multipliedBy(40)).until(() -> checksSince(grants, before) >= GRANTS * 4L);
            double intervals = (System.nanoTime() - started) / (double) INTERVAL.toNanos();
            long total = checksSince(grants, before);
            long most = 0;
            for (int i = 0; i < GRANTS; i++) {
                most = Math.max(most, grants.get(i).requestCount() - before[i]);
            }
            System.out.printf("cluster: %d grants, 3 nodes, %.1f intervals: %d checks (%.2f per grant per interval), at most %d for one grant%n",
                    GRANTS, intervals, total, total / (GRANTS * intervals), most);
            assertThat(most).as("checks of one grant while the cluster made four per grant").isLessThanOrEqualTo(5);

            nodes.get(0).kill();
            Instant killed = Instant.now();
            await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/v1/grants?limit=1000").json().get("grants")
                    .findValuesAsText("lastCheckedAt").stream().allMatch(at -> Instant.parse(at).isAfter(killed)));
            System.out.printf("cluster: every grant checked again %.1f s after a node was killed (interval %s)%n",
                    Duration.between(killed, Instant.now()).toMillis() / 1000.0, INTERVAL);
            assertThat(api.get("/v1/events?limit=1000").json().get("events")).hasSize(GRANTS);
        } finally {
            nodes.forEach(DaemonProcess::close);
        }
    }

    private static long checksSince(List<SimGrant> grants, long[] before) {
        long total = 0;
        for (int i = 0; i < grants.size(); i++) {
            total += grants.get(i).requestCount() - before[i];
        }
        return total;
    }
}
