package io.grantwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grantwatch.Application;
import io.grantwatch.config.ConfigException;
import io.grantwatch.config.ConfigLoader;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.testing.AppHarness;
import io.grantwatch.testing.TestDatabase;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start that fails late, after the pool, Quartz and delivery are built, leaves nothing running behind it. */
class FailedStartTest {
    private static final Pattern OURS = Pattern.compile("(?i).*(grantwatch|quartz|webhook|httpclient|jetty).*");

    @TempDir
    Path dataDir;

    @Test
    void aTakenPortStopsEverythingThatHadStarted() throws Exception {
        try (AtlassianSimulator simulator = AtlassianSimulator.start();
                TestDatabase database = TestDatabase.h2();
                ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            Map<String, String> env = AppHarness.environment(database, simulator, dataDir);
            env.put("GRANTWATCH_HTTP_PORT", String.valueOf(taken.getLocalPort()));

            assertThatThrownBy(() -> AppHarness.start(env)).isInstanceOf(RuntimeException.class);

            assertNothingLeftBehind(before, database);
        }
    }

    @Test
    void aBadWebhookStopsEverythingThatHadStarted() throws Exception {
        try (AtlassianSimulator simulator = AtlassianSimulator.start(); TestDatabase database = TestDatabase.h2()) {
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            Path file = Files.writeString(dataDir.resolve("grantwatch.yaml"), """
                    webhooks:
                      - url: https://hooks.example.com/grantwatch
                    """);
            Map<String, String> env = AppHarness.environment(database, simulator, dataDir);

            // A signed webhook without a secret: refused, wherever the configuration is checked.
            assertThatThrownBy(() -> Application.start(ConfigLoader.load(file, env), Clock.systemUTC()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("secret");

            assertNothingLeftBehind(before, database);
        }
    }

    private static void assertNothingLeftBehind(Set<Thread> before, TestDatabase database) throws Exception {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(leftBehind(before)).isEmpty());
        // The in-memory database outlives the pool; only this test's own session is left in it.
        try (Connection connection = DriverManager.getConnection(database.url(), database.username(), database.password());
                ResultSet sessions = connection.createStatement().executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
            sessions.next();
            assertThat(sessions.getInt(1)).as("sessions open in the database").isEqualTo(1);
        }
    }

    private static List<String> leftBehind(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread))
                .map(Thread::getName)
                .filter(name -> OURS.matcher(name).matches())
                .toList();
    }
}
