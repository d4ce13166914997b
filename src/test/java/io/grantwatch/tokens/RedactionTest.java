package io.grantwatch.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.Fault;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.DaemonProcess;
import io.grantwatch.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives every path where a token could leak (failed and refused refreshes, malformed answers,
 * revocation, bad API input that carries tokens) through a real grantwatch process, then searches
 * its log, every API answer and every text column of the database for any token the simulator
 * ever issued, and for the client secret.
 */
class RedactionTest {
    private static final String API_KEY = "redaction-key";

    @TempDir
    Path dir;

    @Test
    void noTokenReachesALogAnAnswerOrTheDatabase() throws Exception {
        Path log = Path.of("target", "RedactionTest-daemon.log");
        Files.deleteIfExists(log);
        List<String> answers = new ArrayList<>();
        try (AtlassianSimulator simulator = AtlassianSimulator.start(); TestDatabase database = TestDatabase.h2File(dir.resolve("db"))) {
            int port = DaemonProcess.freePort();
            Files.writeString(dir.resolve("grantwatch.yaml"), """
                    dataDir: %s
                    database: {url: "%s", username: sa}
                    atlassian: {apiBaseUrl: %s, authBaseUrl: %s, clientId: %s, clientSecret: %s, requestTimeout: PT1S}
                    polling: {interval: PT1S, dispatchPeriod: PT0.1S, retryBackoff: PT0.2S, degradedAfter: 2}
                    tokens: {refreshMargin: PT1S}
                    http: {port: %d, host: 127.0.0.1, apiKey: %s}
                    encryption: {key: %s}
                    """.formatted(dir.resolve("data"), database.url(), simulator.baseUrl(), simulator.baseUrl(),
                    simulator.clientId(), simulator.clientSecret(), port, API_KEY,
                    Base64.getEncoder().encodeToString(new byte[32])));
            simulator.setAccessTokenLifetime(Duration.ofSeconds(2));
            try (DaemonProcess daemon = DaemonProcess.start(dir.resolve("grantwatch.yaml"), port, log)) {
                ApiClient api = new ApiClient(port, API_KEY);
                List<SimGrant> grants = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    SimGrant grant = simulator.newGrant();
                    grant.setSites(List.of(SimSite.of("site-" + i, "read:jira-work")));
                    grants.add(grant);
                    ApiClient.Response created = api.post("/v1/grants", Map.of("accessToken", grant.accessToken(),
                            "refreshToken", grant.refreshToken(), "expiresAt", grant.accessTokenExpiresAt().toString()));
                    answers.add(created.body());
                }
                // Faults on both endpoints, a revocation, a refused token with a failing refresh.
                simulator.failNextRefresh(3, Fault.BAD_GATEWAY_HTML);
                simulator.failNextRefresh(2, Fault.MALFORMED_JSON);
                simulator.failNext(4, Fault.MALFORMED_JSON);
                simulator.failNext(4, Fault.WRONG_SHAPE);
                simulator.failNext(2, Fault.SERVER_ERROR);
                grants.get(0).revoke();
                grants.get(1).expireAccessToken();
                grants.get(2).failNext(3, Fault.RATE_LIMITED);

                // Bad input that carries tokens, in every place a client might put one.
                String token = grants.get(3).accessToken();
                answers.add(api.post("/v1/grants", "{\"accessToken\": \"" + token + "\", \"expiresIn\": \"" + token + "\"}").body());
                answers.add(api.post("/v1/grants", "{\"accessToken\": \"" + token + "\"").body());
                answers.add(api.post("/v1/grants", "{\"" + token + "\": 1}").body());
                answers.add(api.post("/v1/grants", "{\"accessToken\": " + token + "}").body());
                answers.add(api.get("/v1/grants/" + token).body());
                answers.add(api.get("/v1/grants/" + token + "/token").body());
                answers.add(api.put("/v1/grants/999/tokens", Map.of("accessToken", token)).body());
                answers.add(api.get("/v1/events?type=" + token).body());
                answers.add(api.get("/v1/events?after=" + token).body());
                answers.add(new ApiClient(port, token).get("/v1/grants").body());

                await().atMost(Duration.ofSeconds(30)).until(() -> simulator.refreshCount() > 20);
                for (int i = 0; i < grants.size(); i++) {
                    answers.add(api.get("/v1/grants/" + (i + 1)).body());
                    answers.add(api.get("/v1/grants/" + (i + 1) + "/snapshots").body());
                }
                answers.add(api.get("/v1/events?limit=1000").body());
                answers.add(api.get("/v1/grants?limit=1000").body());
                answers.add(new ApiClient(port, null).get("/metrics").body());
                assertThat(api.get("/v1/grants/1").json().get("status").asText()).isEqualTo("REVOKED");
                daemon.stop();
            }
            List<String> stored = everyTextValue(database);
            String logText = Files.readString(log);
            assertThat(logText).contains("grantwatch is up");
            for (String secret : List.of("sim-at-", "sim-rt-", simulator.clientSecret())) {
                assertThat(logText).as("log").doesNotContain(secret);
                assertThat(answers).as("API answers").noneMatch(answer -> answer.contains(secret));
                assertThat(stored).as("database").noneMatch(value -> value.contains(secret));
            }
        }
    }

    private static List<String> everyTextValue(TestDatabase database) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(database.url(), database.username(), database.password());
                Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).contains("GRANTS", "EVENTS", "SNAPSHOTS");
            for (String table : tables) {
                try (ResultSet rs = statement.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int c = 1; c <= columns; c++) {
                            Object value = rs.getObject(c);
                            if (value instanceof byte[] bytes) {
                                values.add(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
                            } else if (value != null) {
                                values.add(value.toString());
                            }
                        }
                    }
                }
            }
        }
        return values;
    }
}
