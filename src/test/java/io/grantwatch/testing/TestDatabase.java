package io.grantwatch.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * A fresh, empty database for one test class: H2 in memory, or PostgreSQL. PostgreSQL comes from
 * {@code GRANTWATCH_TEST_POSTGRES_URL} when it is set (a server on which tests may create and drop
 * databases; .ci/run sets it), else from Testcontainers when Docker is available. Without either,
 * PostgreSQL tests are skipped (and .ci/run fails when any was).
 */
public final class TestDatabase implements AutoCloseable {
    public static final String POSTGRES_URL_VARIABLE = "GRANTWATCH_TEST_POSTGRES_URL";
    private static PostgreSQLContainer<?> container;

    private final String url;
    private final String username;
    private final String password;
    private final Runnable drop;

    private TestDatabase(String url, String username, String password, Runnable drop) {
        this.url = url;
        this.username = username;
        this.password = password;
        this.drop = drop;
    }

    public static TestDatabase h2() {
        String name = "gw_" + UUID.randomUUID().toString().replace("-", "");
        return new TestDatabase("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "", () -> {
            try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:" + name, "sa", "");
                    Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN");
            } catch (SQLException ignored) {
                // already gone
            }
        });
    }

    /** A PostgreSQL URL where no server listens, for start-up checks that come before any connection. */
    public static TestDatabase unreachablePostgres() {
        return new TestDatabase("jdbc:postgresql://127.0.0.1:1/none", "nobody", "", () -> {});
    }

    /** H2 in a file, for tests in which the database must outlive a process. */
    public static TestDatabase h2File(java.nio.file.Path folder) {
        return new TestDatabase("jdbc:h2:file:" + folder.toAbsolutePath().resolve("grantwatch"), "sa", "", () -> {});
    }

    public static TestDatabase postgres() {
        String admin = System.getenv(POSTGRES_URL_VARIABLE);
        String user = "postgres";
        String password = "";
        if (admin == null) {
            admin = containerUrl();
            user = container.getUsername();
            password = container.getPassword();
        }
        String name = "gw_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String adminUrl = admin;
        String adminUser = user;
        String adminPassword = password;
        execute(adminUrl, adminUser, adminPassword, "CREATE DATABASE " + name);
        String url = withDatabase(admin, name);
        return new TestDatabase(url, user, password,
                () -> execute(adminUrl, adminUser, adminPassword, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
    }

    private static synchronized String containerUrl() {
        if (container == null) {
            boolean docker;
            try {
                docker = DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException e) {
                docker = false;
            }
            if (!docker) {
                String message = "PostgreSQL tests need " + POSTGRES_URL_VARIABLE
                        + " (e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres) or Docker";
                Assumptions.abort(message);
            }
            container = new PostgreSQLContainer<>("postgres:16-alpine");
            container.start();
        }
        return container.getJdbcUrl();
    }

    /** Replaces the database name in a PostgreSQL JDBC URL, keeping host, port and parameters. */
    static String withDatabase(String url, String database) {
        int slash = url.indexOf('/', "jdbc:postgresql://".length());
        int query = url.indexOf('?', slash);
        return url.substring(0, slash + 1) + database + (query < 0 ? "" : url.substring(query));
    }

    private static void execute(String url, String user, String password, String sql) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' on the test PostgreSQL server: " + e.getMessage(), e);
        }
    }

    public String url() {
        return url;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    @Override
    public void close() {
        drop.run();
    }
}
