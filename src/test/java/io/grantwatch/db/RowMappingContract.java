package io.grantwatch.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.grantwatch.Json;
import io.grantwatch.config.ConfigLoader;
import io.grantwatch.core.GrantStatus;
import io.grantwatch.core.Site;
import io.grantwatch.core.Sites;
import io.grantwatch.testing.TestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rows read back as they were written, through JDBI's mapping: timestamps, SQL NULL in nullable
 * columns (and NULL read as 0 in primitive ones), enums stored by name or in lower case, and the
 * JSON text columns. On a bare {@link Jdbi}, since the DAOs must not rely on set-up done by
 * {@link Database}. Extended once per database.
 */
abstract class RowMappingContract {
    private static final Instant T1 = Instant.parse("2026-03-04T05:06:07.123456Z");
    private static final Instant T2 = Instant.parse("2026-03-05T00:00:00Z");

    private TestDatabase testDatabase;
    private Database database;
    private Jdbi jdbi;

    abstract TestDatabase newDatabase();

    @BeforeEach
    void open() {
        testDatabase = newDatabase();
        database = Database.open(ConfigLoader.fromEnvironment(Map.of(
                "GRANTWATCH_DATABASE_URL", testDatabase.url(),
                "GRANTWATCH_DATABASE_USERNAME", testDatabase.username(),
                "GRANTWATCH_DATABASE_PASSWORD", testDatabase.password(),
                "GRANTWATCH_DATABASE_POOLSIZE", "2")));
        database.migrate();
        jdbi = Jdbi.create(database.dataSource());
    }

    @AfterEach
    void close() {
        database.close();
        testDatabase.close();
    }

    @Test
    void grantRows() {
        jdbi.useHandle(handle -> {
            GrantDao grants = new GrantDao(handle);
            long bare = grants.insert(new GrantDao.NewGrant(null, null, "at", null, null, null, T1, T1, null));
            GrantRow row = grants.find(bare).orElseThrow();
            assertThat(row.status()).isEqualTo(GrantStatus.PENDING);
            assertThat(row.externalId()).isNull();
            assertThat(row.accessToken()).isEqualTo("at");
            assertThat(row.createdAt()).isEqualTo(T1);
            assertThat(row.accessExpiresAt()).isNull();
            assertThat(row.snapshotId()).isNull();
            assertThat(row.phase()).isZero();
            assertThat(row.tokenVersion()).isZero();
            assertThat(grants.oldestDue(T2)).isEmpty();

            grants.insertAll(List.of(new GrantDao.NewGrant("ext", "label", "at2", "rt", "key", T2, T1, T1, T1)));
            GrantRow full = grants.findByExternalId("ext").orElseThrow();
            assertThat(full).extracting(GrantRow::label, GrantRow::refreshToken, GrantRow::tokenKeyId,
                    GrantRow::accessExpiresAt, GrantRow::consentedAt, GrantRow::nextCheckAt)
                    .containsExactly("label", "rt", "key", T2, T1, T1);
            grants.placeNew();
            long snapshot = new SnapshotDao(handle).insert(full.id(), Sites.EMPTY, T1);
            grants.record(full.id(), new GrantDao.CheckState(GrantStatus.DEGRADED, 2, "boom", T1, T2, snapshot, "hash",
                    T2, T1), T2);
            GrantRow checked = grants.lockOne(full.id()).orElseThrow();
            assertThat(checked).extracting(GrantRow::status, GrantRow::failures, GrantRow::lastError,
                    GrantRow::lastCheckedAt, GrantRow::lastChangedAt, GrantRow::snapshotId, GrantRow::sitesHash,
                    GrantRow::snapshotSeenAt, GrantRow::removalPendingAt, GrantRow::nextCheckAt)
                    .containsExactly(GrantStatus.DEGRADED, 2, "boom", T1, T2, snapshot, "hash", T2, T1, T2);
            assertThat(checked.phase()).isStrictlyBetween(0.0, 1.0);
            assertThat(grants.oldestDue(T2)).contains(T2);
            assertThat(grants.countByStatus()).containsExactly(Map.entry(GrantStatus.PENDING, 1L),
                    Map.entry(GrantStatus.HEALTHY, 0L), Map.entry(GrantStatus.DEGRADED, 1L),
                    Map.entry(GrantStatus.TOKEN_EXPIRED, 0L), Map.entry(GrantStatus.REVOKED, 0L));
            assertThat(grants.lock(List.of(full.id(), bare)).keySet()).containsExactly(bare, full.id());
        });
    }

    @Test
    void snapshotsEventsAndTheCursor() throws Exception {
        jdbi.useHandle(handle -> {
            long grant = new GrantDao(handle).insert(new GrantDao.NewGrant(null, null, null, null, null, null, T1, T1, null));
            SnapshotDao snapshots = new SnapshotDao(handle);
            Sites sites = new Sites(List.of(new Site("c1", "Alpha", "https://alpha", List.of("read", "write"), null)), "h1");
            long first = snapshots.insert(grant, sites, T1);
            long second = snapshots.insert(grant, Sites.EMPTY, T2);
            snapshots.close(first, T2);
            assertThat(snapshots.sites(first)).isEqualTo(sites);
            assertThat(snapshots.sites(List.of(first, second))).containsOnly(Map.entry(first, sites),
                    Map.entry(second, Sites.EMPTY));
            assertThat(snapshots.history(grant, Long.MAX_VALUE, 10)).containsExactly(
                    new SnapshotRow(second, grant, Sites.EMPTY, T2, T2), new SnapshotRow(first, grant, sites, T1, T2));

            EventDao events = new EventDao(handle);
            assertThat(events.latestId()).isZero();
            events.append(List.of(new EventDao.NewEventRow(grant, "site.granted", "c1", T1, "{\"name\": \"Alpha\"}"),
                    new EventDao.NewEventRow(grant, "grant.healthy", null, T2, "{}")));
            List<EventRow> read = events.after(0, 10, grant, List.of());
            assertThat(read).extracting(EventRow::grantId, EventRow::type, EventRow::cloudId, EventRow::time)
                    .containsExactly(tuple(grant, "site.granted", "c1", T1),
                            tuple(grant, "grant.healthy", null, T2));
            assertThat(Map.of("name", "Alpha")).isEqualTo(Json.MAPPER.readValue(read.get(0).data(), Map.class));
            assertThat(events.latestId()).isEqualTo(read.get(1).id());

            DispatchDao cursor = new DispatchDao(handle);
            assertThat(cursor.checkedUntil()).isEmpty();
            assertThat(cursor.advance(null, T1)).isTrue();
            assertThat(cursor.checkedUntil()).contains(T1);
        });
    }

    @Test
    void webhookRows() {
        jdbi.useHandle(handle -> {
            WebhookDao webhooks = new WebhookDao(handle);
            assertThat(webhooks.oldestCursor()).isEmpty();
            long every = webhooks.insert(new WebhookDao.NewSubscription("https://a", Format.CLOUDEVENTS, List.of(), List.of(),
                    Subscription.Origin.API, null, "s", 0, T1));
            long some = webhooks.insert(new WebhookDao.NewSubscription("https://b", Format.SLACK, List.of("grant.healthy"),
                    List.of(7L, 8L), Subscription.Origin.CONFIG, "key", null, 5, T2));
            Subscription a = webhooks.find(every).orElseThrow();
            assertThat(a).extracting(Subscription::url, Subscription::format, Subscription::types, Subscription::grantIds,
                    Subscription::origin, Subscription::configKey, Subscription::secret, Subscription::previousSecretUntil,
                    Subscription::leasedBy, Subscription::leaseUntil, Subscription::createdAt, Subscription::deletedAt)
                    .containsExactly("https://a", Format.CLOUDEVENTS, List.of(), List.of(), Subscription.Origin.API, null,
                            "s", null, null, Instant.EPOCH, T1, null);
            Subscription b = webhooks.findByConfigKey("key").orElseThrow();
            assertThat(b).extracting(Subscription::format, Subscription::types, Subscription::grantIds, Subscription::origin,
                    Subscription::deliveredThrough).containsExactly(Format.SLACK, List.of("grant.healthy"), List.of(7L, 8L),
                    Subscription.Origin.CONFIG, 5L);
            assertThat(webhooks.configured()).extracting(Subscription::id).containsExactly(some);
            assertThat(webhooks.oldestCursor()).contains(0L);

            webhooks.log(new WebhookDao.Attempt(every, 1, 1, "m1", T1, "timeout", null, 30_000, "no answer", "node"));
            webhooks.log(new WebhookDao.Attempt(every, 1, 2, "m1", T2, "delivered", 204, 12, null, "node"));
            assertThat(webhooks.deliveries(every, Long.MAX_VALUE, 10))
                    .extracting(DeliveryRow::attempt, DeliveryRow::attemptedAt, DeliveryRow::outcome, DeliveryRow::statusCode,
                            DeliveryRow::latencyMs, DeliveryRow::error)
                    .containsExactly(tuple(2, T2, "delivered", 204, 12L, null),
                            tuple(1, T1, "timeout", null, 30_000L, "no answer"));

            assertThat(webhooks.failed(every, "node", 0, 1, T2, T2, "x")).isFalse();
            webhooks.claimFree("node", T1, T2);
            assertThat(webhooks.renew("node", T1, T2)).containsExactly(every, some);
            assertThat(webhooks.failed(every, "node", 0, 3, T2, T1, "down")).isTrue();
            assertThat(webhooks.find(every).orElseThrow()).extracting(Subscription::attempts, Subscription::nextAttemptAt,
                    Subscription::failingSince, Subscription::lastError, Subscription::leasedBy)
                    .containsExactly(3, T2, T1, "down", null);
            assertThat(webhooks.countFailing()).isOne();
        });
    }
}
