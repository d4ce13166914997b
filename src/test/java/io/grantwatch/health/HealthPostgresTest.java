package io.grantwatch.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.Application;
import io.grantwatch.config.ConfigLoader;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A real daemon whose PostgreSQL database goes away and comes back: /health says DOWN with 503
 * while it is gone, within the probe limit, and UP again after.
 */
class HealthPostgresTest {

    @Test
    void healthIsDownWhileTheDatabaseRefusesConnections() throws SQLException {
        String admin = System.getenv(TestDatabase.POSTGRES_URL_VARIABLE);
        Assumptions.assumeTrue(admin != null, "needs " + TestDatabase.POSTGRES_URL_VARIABLE + " to take a database away");
        try (TestDatabase database = TestDatabase.postgres();
                Application app = Application.start(ConfigLoader.fromEnvironment(Map.of(
                        "GRANTWATCH_DATABASE_URL", database.url(),
                        "GRANTWATCH_DATABASE_USERNAME", database.username(),
                        "GRANTWATCH_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(new byte[32]),
                        "GRANTWATCH_HTTP_PORT", "0",
                        "GRANTWATCH_HTTP_HOST", "127.0.0.1")), Clock.systemUTC())) {
            ApiClient api = new ApiClient(app.port(), null);
            assertThat(api.get("/health").status()).isEqualTo(200);
            String name = database.url().replaceAll("^.*/([^/?]+)(\\?.*)?$", "$1");

            execute(admin, "ALTER DATABASE " + name + " ALLOW_CONNECTIONS false",
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
            await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/health").status() == 503);
            ApiClient.Response down = api.get("/health");
            assertThat(down.json().get("status").asText()).isEqualTo("DOWN");
            assertThat(down.json().at("/checks/database").asText()).isEqualTo("DOWN");
            assertThat(api.get("/health/live").status()).as("the process itself lives").isEqualTo(200);

            execute(admin, "ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/health").status() == 200);
        }
    }

    private static void execute(String url, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
