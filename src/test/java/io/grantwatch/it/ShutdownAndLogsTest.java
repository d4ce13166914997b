package io.grantwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Json;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.DaemonProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real daemon process, logging JSON, stopped with SIGTERM while a check is waiting on a slow
 * Atlassian: it exits 0 within a bounded time, and the check in flight is recorded first.
 */
class ShutdownAndLogsTest {
    @TempDir
    Path dir;

    @Test
    void sigtermLetsTheCheckInFlightFinishAndExitsZeroQuickly() throws Exception {
        try (AtlassianSimulator simulator = AtlassianSimulator.start()) {
            simulator.setLatency(Duration.ofSeconds(3));
            SimGrant sim = simulator.newGrant();
            sim.setSites(List.of(SimSite.of("Slow", "read:jira-work")));
            int port = DaemonProcess.freePort();
            Path config = Files.writeString(dir.resolve("grantwatch.yaml"), """
                    dataDir: %s
                    atlassian:
                      apiBaseUrl: %s
                    polling:
                      interval: PT1H
                    http:
                      port: %d
                      host: 127.0.0.1
                    encryption:
                      key: %s
                    """.formatted(dir.resolve("data"), simulator.baseUrl(), port,
                    Base64.getEncoder().encodeToString(new byte[32])));
            Path log = dir.resolve("daemon.log");

            try (DaemonProcess daemon = DaemonProcess.start(config, port, log, Map.of("GRANTWATCH_LOG_APPENDER", "JSON"))) {
                ApiClient api = new ApiClient(port, null);
                assertThat(api.post("/v1/grants", Map.of("accessToken", sim.accessToken())).status()).isEqualTo(201);
                await().atMost(Duration.ofSeconds(10)).until(() -> simulator.accessibleResourcesRequests() >= 1);

                // 0 means the stop finished within its own bound (30 s); past it the daemon exits with 1.
                assertThat(daemon.stop()).isZero();
            }
            assertThat(stored(dir.resolve("data").resolve("grantwatch"))).as("the check in flight was recorded")
                    .isEqualTo("HEALTHY 1");

            List<String> lines = Files.readAllLines(log);
            assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(json(line).has("level")).as(line).isTrue());
            assertThat(lines).anySatisfy(line -> assertThat(json(line).get("message").asText()).startsWith("grantwatch is up"));
            assertThat(lines).anySatisfy(line -> assertThat(json(line).get("message").asText()).isEqualTo("grantwatch stopped"));
            assertThat(String.join("\n", lines)).doesNotContain(sim.accessToken());
        }
    }

    /** The grant's status and its number of events, read from the H2 file the daemon left. */
    private static String stored(Path database) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + database.toAbsolutePath(), "sa", "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT g.status, (SELECT COUNT(*) FROM events e WHERE e.grant_id = g.id) FROM grants g")) {
            rows.next();
            return rows.getString(1) + " " + rows.getLong(2);
        }
    }

    private static JsonNode json(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not a JSON log line: " + line, e);
        }
    }
}
