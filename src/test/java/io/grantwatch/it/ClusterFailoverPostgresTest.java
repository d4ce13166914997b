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

            // Once per interval, not once per node: count each grant's calls over four intervals.
            long[] before = grants.stream().mapToLong(SimGrant::requestCount).toArray();
            Thread.sleep(INTERVAL.multipliedBy(4).toMillis());
            long most = 0;
            long total = 0;
            for (int i = 0; i < GRANTS; i++) {
                long calls = grants.get(i).requestCount() - before[i];
                most = Math.max(most, calls);
                total += calls;
            }
            System.out.printf("cluster: %d grants, 3 nodes, 4 intervals: %d checks (%.2f per grant per interval), at most %d for one grant%n",
                    GRANTS, total, total / (GRANTS * 4.0), most);
            assertThat(most).as("checks of one grant in 4 intervals").isLessThanOrEqualTo(5);

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
}
