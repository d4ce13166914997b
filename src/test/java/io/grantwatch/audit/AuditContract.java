package io.grantwatch.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.config.ConfigLoader;
import io.grantwatch.db.Database;
import io.grantwatch.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit on a migrated database: entries read back oldest first, by grant, and go after the retention. */
abstract class AuditContract {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    abstract TestDatabase newDatabase();

    private TestDatabase testDatabase;
    private Database database;
    private SimpleMeterRegistry registry;

    @BeforeEach
    void migrate() {
        testDatabase = newDatabase();
        database = Database.open(ConfigLoader.fromEnvironment(Map.of(
                "GRANTWATCH_DATABASE_URL", testDatabase.url(),
                "GRANTWATCH_DATABASE_USERNAME", testDatabase.username(),
                "GRANTWATCH_DATABASE_PASSWORD", testDatabase.password())));
        database.migrate();
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void drop() {
        database.close();
        testDatabase.close();
    }

    private AuditService at(Instant now, int purgeBatch) {
        return new AuditService(database.jdbi(), registry, Clock.fixed(now, ZoneOffset.UTC), Duration.ofDays(90), purgeBatch,
                List.of("backend", "dashboard"));
    }

    @Test
    void entriesReadBackOldestFirstPagedAndByGrant() {
        AuditService audit = at(T0, 100);
        audit.record("backend", 1L, AuditService.TOKEN, 200);
        audit.record("dashboard", 2L, AuditService.TOKEN, 403);
        audit.record(null, null, AuditService.TOKEN, 401);
        audit.record("backend", 1L, AuditService.proxyAction("get", "jira", "c-1", "rest/api/3/myself?expand=x"), 200);

        AuditService.Page all = audit.read(0, 100, null);
        assertThat(all.entries()).extracting(AuditEntry::key, AuditEntry::grantId, AuditEntry::action, AuditEntry::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("backend", 1L, "token", 200),
                        org.assertj.core.groups.Tuple.tuple("dashboard", 2L, "token", 403),
                        org.assertj.core.groups.Tuple.tuple(null, null, "token", 401),
                        org.assertj.core.groups.Tuple.tuple("backend", 1L, "proxy GET jira c-1 rest/api/3/myself", 200));
        assertThat(all.entries()).extracting(AuditEntry::time).containsOnly(T0);
        assertThat(all.nextCursor()).isEqualTo(all.entries().getLast().id());

        AuditService.Page first = audit.read(0, 2, null);
        AuditService.Page second = audit.read(first.nextCursor(), 2, null);
        AuditService.Page none = audit.read(second.nextCursor(), 2, null);
        assertThat(first.entries()).hasSize(2);
        assertThat(second.entries()).hasSize(2);
        assertThat(second.entries().getFirst().id()).isGreaterThan(first.entries().getLast().id());
        assertThat(none.entries()).isEmpty();
        assertThat(none.nextCursor()).isEqualTo(second.nextCursor());

        assertThat(audit.read(0, 100, 1L).entries()).extracting(AuditEntry::grantId).containsExactly(1L, 1L);
    }

    @Test
    void handOutsAreCountedByKeyAndOutcomeFromZero() {
        AuditService audit = at(T0, 100);
        assertThat(registry.get("grantwatch.token.handouts").tags("key", "dashboard", "outcome", "ok").counter().count())
                .isZero();
        audit.record("backend", 1L, AuditService.TOKEN, 200);
        audit.record("backend", 1L, AuditService.TOKEN, 409);
        audit.record(null, 1L, AuditService.TOKEN, 401);
        audit.record("backend", 1L, AuditService.proxyAction("POST", "jira", "c", "x"), 201);
        assertThat(registry.get("grantwatch.token.handouts").tags("key", "backend", "outcome", "ok").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("grantwatch.token.handouts").tags("key", "backend", "outcome", "refused").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("grantwatch.token.handouts").tags("key", "(none)", "outcome", "refused").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("grantwatch.proxied.calls").tags("key", "backend", "outcome", "ok").counter().count())
                .isEqualTo(1);
    }

    @Test
    void entriesOlderThanTheRetentionAreRemovedInBatches() {
        for (int day = 0; day < 7; day++) {
            at(T0.plus(Duration.ofDays(day)), 3).record("backend", (long) day, AuditService.TOKEN, 200);
        }
        // 90 days after day 4: days 0..3 are older than the retention, days 4..6 are not.
        AuditService later = at(T0.plus(Duration.ofDays(94)), 3);
        assertThat(later.purge()).isEqualTo(4);
        assertThat(later.read(0, 100, null).entries()).extracting(AuditEntry::grantId).containsExactly(4L, 5L, 6L);
        assertThat(later.purge()).isZero();
    }

    @Test
    void aLongActionIsCutToWhatTheColumnHolds() {
        AuditService audit = at(T0, 100);
        audit.record("backend", 1L, AuditService.proxyAction("GET", "jira", "c", "a/".repeat(3000)), 200);
        assertThat(audit.read(0, 1, null).entries().getFirst().action()).hasSize(AuditService.MAX_ACTION_LENGTH);
    }
}
