package io.grantwatch.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.config.ConfigLoader;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import io.grantwatch.db.Database;
import io.grantwatch.db.GrantDao;
import io.grantwatch.testing.SettableClock;
import io.grantwatch.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The readiness report's rules, on a real database with a clock the test moves. */
class HealthCheckTest {
    private static final Instant T0 = Instant.parse("2026-01-31T12:00:00Z");

    private TestDatabase testDatabase;
    private Database database;
    private final SettableClock clock = new SettableClock(T0);
    private final AtomicBoolean databaseUp = new AtomicBoolean(true);
    private final AtomicBoolean schedulerRunning = new AtomicBoolean(true);
    private HealthCheck health;

    @BeforeEach
    void open() {
        testDatabase = TestDatabase.h2();
        database = Database.open(ConfigLoader.fromEnvironment(Map.of(
                "GRANTWATCH_DATABASE_URL", testDatabase.url(), "GRANTWATCH_DATABASE_USERNAME", "sa",
                "GRANTWATCH_DATABASE_POOLSIZE", "2")));
        database.migrate();
        health = new HealthCheck(database.jdbi(), databaseUp::get, schedulerRunning::get, clock);
    }

    @AfterEach
    void close() {
        database.close();
        testDatabase.close();
    }

    @Test
    void lagIsHowLongTheOldestDueGrantHasWaited() {
        assertThat(health.report().checks()).containsEntry("lagSeconds", 0L);
        insertGrantDueAt(T0.minusSeconds(30));
        insertGrantDueAt(T0.minusSeconds(90));
        insertGrantDueAt(T0.plusSeconds(600));
        assertThat(health.report().checks()).containsEntry("lagSeconds", 90L);
        clock.tick(Duration.ofSeconds(10));
        assertThat(health.report().checks()).containsEntry("lagSeconds", 100L);
        assertThat(health.report().up()).as("lag is reported, not judged").isTrue();
    }

    @Test
    void aStoppedSchedulerOrAMissingDatabaseIsDown() {
        assertThat(health.report().body()).containsEntry("status", "UP");
        schedulerRunning.set(false);
        HealthCheck.Report report = health.report();
        assertThat(report.up()).isFalse();
        assertThat(report.body()).containsEntry("status", "DOWN");
        assertThat(report.checks()).containsEntry("scheduler", "DOWN").containsEntry("database", "UP");

        schedulerRunning.set(true);
        databaseUp.set(false);
        report = health.report();
        assertThat(report.up()).isFalse();
        assertThat(report.checks()).containsEntry("database", "DOWN").containsEntry("lagSeconds", null);
    }

    @Test
    void aDatabaseThatHangsIsDownWithinTheProbeLimit() {
        CountDownLatch hangs = new CountDownLatch(1);
        health = new HealthCheck(database.jdbi(), () -> {
            try {
                hangs.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        }, schedulerRunning::get, clock);
        try {
            long started = System.nanoTime();
            assertThat(health.report().checks()).containsEntry("database", "DOWN");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        } finally {
            hangs.countDown();
        }
    }

    private void insertGrantDueAt(Instant due) {
        database.jdbi().useHandle(handle -> new GrantDao(handle).insert(new GrantDao.NewGrant(
                null, null, "v1.k.x", null, "k", null, T0, T0, due)));
    }
}
