package io.grantwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.Application;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.AppHarness;
import io.grantwatch.testing.KeyedDaemon;
import io.grantwatch.testing.TcpLink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While the database cannot be reached, every /v1 call answers 503 database_unavailable within
 * seconds (the pool's wait, here PT1S), never a 500; when it is back, so is the API. The database
 * sits behind a {@link TcpLink} that the test cuts. Extended once per database.
 */
abstract class DatabaseDownContract {
    private static final Duration QUICKLY = Duration.ofSeconds(5);

    /** A database reached through the link: its JDBC URL, user and password. */
    record Target(String url, String username, String password, AutoCloseable cleanup) {}

    /** The database, reached at 127.0.0.1:{linkPort}; {@link #targetPort()} is where it really listens. */
    abstract Target database(int linkPort);

    abstract int targetPort();

    @TempDir
    Path folder;

    @Test
    void everyV1CallAnswers503QuicklyWhileTheDatabaseIsDownAndWorksAgainAfter() throws Exception {
        try (TcpLink link = new TcpLink("127.0.0.1", targetPort()); AtlassianSimulator simulator = AtlassianSimulator.start()) {
            Target target = database(link.port());
            try (AutoCloseable cleanup = target.cleanup()) {
                Map<String, String> env = AppHarness.environment(io.grantwatch.testing.TestDatabase.h2(), simulator, folder);
                env.put("GRANTWATCH_DATABASE_URL", target.url());
                env.put("GRANTWATCH_DATABASE_USERNAME", target.username());
                env.put("GRANTWATCH_DATABASE_PASSWORD", target.password());
                env.put("GRANTWATCH_DATABASE_CONNECTIONTIMEOUT", "PT1S");
                try (Application app = KeyedDaemon.start(env, folder)) {
                    ApiClient admin = new ApiClient(app.port(), KeyedDaemon.ADMIN);
                    assertThat(admin.post("/v1/grants", Map.of("accessToken", simulator.newGrant().accessToken(),
                            "expiresIn", 3600)).status()).isEqualTo(201);

                    link.cut();
                    List<String> wrong = new ArrayList<>();
                    String[][] calls = {
                            {"GET", "/v1/grants", null},
                            {"GET", "/v1/grants/1", null},
                            {"POST", "/v1/grants", "{\"accessToken\": \"abc\", \"expiresIn\": 3600}"},
                            {"PUT", "/v1/grants/1/tokens", "{\"accessToken\": \"abc\"}"},
                            {"POST", "/v1/grants/1/check", null},
                            {"DELETE", "/v1/grants/1", null},
                            {"GET", "/v1/grants/1/snapshots", null},
                            {"GET", "/v1/grants/1/access?cloudId=x&scope=y", null},
                            {"GET", "/v1/grants/1/token", null},
                            {"GET", "/v1/events?after=0", null},
                            {"GET", "/v1/events?after=0&wait=PT2S", null},
                            {"GET", "/v1/audit", null},
                            {"GET", "/v1/webhooks", null},
                            {"POST", "/v1/webhooks", "{\"url\": \"http://127.0.0.1:9/hook\"}"},
                            {"GET", "/v1/webhooks/1", null},
                    };
                    for (String[] call : calls) {
                        long started = System.nanoTime();
                        ApiClient.Response response = admin.send(call[0], call[1], call[2]);
                        Duration took = Duration.ofNanos(System.nanoTime() - started);
                        if (response.status() != 503 || !response.json().path("error").asText().equals("database_unavailable")
                                || took.compareTo(QUICKLY) > 0) {
                            wrong.add(call[0] + " " + call[1] + ": " + response.status() + " in " + took + " " + response.body());
                        }
                    }
                    assertThat(wrong).isEmpty();
                    assertThat(new ApiClient(app.port(), null).get("/health").status()).isEqualTo(503);

                    link.restore();
                    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                            assertThat(admin.get("/v1/grants/1").status()).isEqualTo(200));
                }
            }
        }
    }
}
