package io.grantwatch.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import com.zaxxer.hikari.pool.HikariPool;
import io.grantwatch.db.migration.V8__postgres_storage;
import io.grantwatch.config.Config;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Jdbi;

/**
 * The connection pool, the schema and the {@link Jdbi} handle on top of them. H2 (embedded) and
 * PostgreSQL run the same migrations from {@code db/migration}. Thread-safe.
 */
public final class Database implements AutoCloseable {
    private static final Duration HOUSEKEEPING_INTERVAL = Duration.ofSeconds(1);
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean postgres;
    /** For an embedded H2 file only: see {@link H2Housekeeping}. */
    private final H2Housekeeping housekeeping;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.postgres = dataSource.getJdbcUrl().startsWith("jdbc:postgresql:");
        // A server's or an in-memory database has no file of ours to look after: H2Housekeeping finds no store
        // for them; in-memory ones (every test's) are left out here only to spare them a thread.
        String url = dataSource.getJdbcUrl();
        this.housekeeping = url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:")
                ? new H2Housekeeping(dataSource, HOUSEKEEPING_INTERVAL) : null;
    }

    /** Opens the pool and checks that the database answers; {@link DatabaseUnavailableException} if not. */
    public static Database open(Config config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(jdbcUrl(config.jdbcUrl()));
        if (config.database().username() != null) {
            hikari.setUsername(config.database().username());
        } else if (config.jdbcUrl().startsWith("jdbc:h2:")) {
            hikari.setUsername("sa");
        }
        hikari.setPassword(config.database().password());
        hikari.setMaximumPoolSize(config.database().poolSize());
        hikari.setPoolName("grantwatch");
        // Hikari drops a connection on the SQL states it knows (08xxx); H2 says "closed" and "broken" with
        // codes of its own, and without this a pool of dead H2 connections would outlive the outage.
        hikari.setExceptionOverride(new SQLExceptionOverride() {
            @java.lang.Override
            public SQLExceptionOverride.Override adjudicate(SQLException failure) {
                return ConnectionFailures.isUnavailable(failure)
                        ? SQLExceptionOverride.Override.MUST_EVICT : SQLExceptionOverride.Override.CONTINUE_EVICT;
            }
        });
        // The longest a request waits for a connection: when the database is down, /v1 answers 503 after this.
        hikari.setConnectionTimeout(config.database().connectionTimeout().toMillis());
        hikari.setValidationTimeout(Math.min(2_000, Math.max(250, config.database().connectionTimeout().toMillis() / 2)));
        hikari.setInitializationFailTimeout(10_000);
        if (config.jdbcUrl().startsWith("jdbc:postgresql:")) {
            hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        try {
            return new Database(new HikariDataSource(hikari));
        } catch (HikariPool.PoolInitializationException e) {
            throw new DatabaseUnavailableException("cannot connect to the database at " + redact(config.jdbcUrl()) + ": "
                    + rootMessage(e));
        }
    }

    public void migrate() {
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .javaMigrations(new V8__postgres_storage())
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new DatabaseUnavailableException("cannot migrate the database schema: " + rootMessage(e));
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public boolean isPostgres() {
        return postgres;
    }

    /** True when a connection can be had and answers a trivial query. */
    public boolean isUp() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** How much space the database takes, in bytes (for the benchmark's growth figures). */
    public long sizeBytes() {
        if (postgres) {
            return jdbi.withHandle(handle -> handle.createQuery("SELECT pg_database_size(current_database())")
                    .mapTo(Long.class).one());
        }
        // H2 writes its pages lazily: checkpoint first so that the file shows what was written.
        return jdbi.withHandle(handle -> {
            handle.execute("CHECKPOINT SYNC");
            return handle.createQuery("SELECT SUM(CAST(SETTING_VALUE AS BIGINT)) FROM INFORMATION_SCHEMA.SETTINGS "
                    + "WHERE SETTING_NAME = 'info.FILE_SIZE'").mapTo(Long.class).findOne().orElse(0L);
        });
    }

    @Override
    public void close() {
        if (housekeeping != null) {
            housekeeping.close();
        }
        dataSource.close();
    }

    /**
     * H2 closes itself from a JVM shutdown hook of its own, under the feet of grantwatch's graceful
     * shutdown; it gives up on a row lock after one second, while a token refresh may hold one for as
     * long as Atlassian takes to answer; and by default it writes commits to disk up to half a second
     * late, so that a killed process could lose events the feed had already handed out. Its default
     * file system also closes the whole database when a thread is interrupted in the middle of a
     * write (as stopping a worker does); the {@code async:} file system is immune to that.
     */
    private static String jdbcUrl(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        if (url.startsWith("jdbc:h2:file:")) {
            url = "jdbc:h2:async:" + url.substring("jdbc:h2:file:".length());
        }
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        String extra = (upper.contains("DB_CLOSE_ON_EXIT") ? "" : ";DB_CLOSE_ON_EXIT=FALSE")
                + (upper.contains("LOCK_TIMEOUT") ? "" : ";LOCK_TIMEOUT=30000")
                + (upper.contains("WRITE_DELAY") || upper.startsWith("JDBC:H2:MEM:") ? "" : ";WRITE_DELAY=0");
        return url + extra;
    }

    /** JDBC URLs may carry a password as a parameter; never show one. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
