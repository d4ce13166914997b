package io.grantwatch.db;

import io.grantwatch.Json;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.ColumnMapperFactory;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.statement.Query;

/** All SQL on {@code webhooks} and {@code webhook_deliveries}. One per handle; not thread-safe. */
public final class WebhookDao {
    private static final String COLUMNS = "id, url, format, types, grant_ids, origin, config_key, secret, previous_secret, "
            + "previous_secret_until, delivered_through, attempts, next_attempt_at, failing_since, last_error, leased_by, "
            + "lease_until, created_at, deleted_at";
    /** Not live for anyone: a free lease. */
    private static final Instant NO_LEASE = Instant.EPOCH;
    private static final ColumnMapperFactory TYPES = JsonList.of(String.class);
    private static final ColumnMapperFactory GRANT_IDS = JsonList.of(Long.class);
    private static final RowMapper<Subscription> ROW = ConstructorMapper.of(Subscription.class);
    private static final RowMapper<DeliveryRow> DELIVERY = ConstructorMapper.of(DeliveryRow.class);

    private final Handle handle;

    public WebhookDao(Handle handle) {
        this.handle = handle;
    }

    public record NewSubscription(String url, Format format, List<String> types, List<Long> grantIds, Subscription.Origin origin,
            String configKey, String secret, long deliveredThrough, Instant createdAt) {}

    /** One attempt, as the log keeps it. */
    public record Attempt(long webhookId, long eventId, int attempt, String messageId, Instant attemptedAt, String outcome,
            Integer statusCode, long latencyMs, String error, String node) {}

    public long insert(NewSubscription subscription) {
        return handle.createUpdate("INSERT INTO webhooks (url, format, types, grant_ids, origin, config_key, secret, "
                        + "delivered_through, lease_until, created_at) VALUES (:url, :format, :types, :grantIds, :origin, "
                        + ":configKey, :secret, :deliveredThrough, :noLease, :createdAt)")
                .bind("url", subscription.url())
                .bind("format", subscription.format().wireName())
                .bind("types", subscription.types().isEmpty() ? null : Json.write(subscription.types()))
                .bind("grantIds", subscription.grantIds().isEmpty() ? null : Json.write(subscription.grantIds()))
                .bind("origin", subscription.origin().name().toLowerCase(Locale.ROOT))
                .bind("configKey", subscription.configKey())
                .bind("secret", subscription.secret())
                .bind("deliveredThrough", subscription.deliveredThrough())
                .bind("noLease", NO_LEASE)
                .bind("createdAt", subscription.createdAt())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
    }

    /** The subscription, deleted or not. */
    public Optional<Subscription> find(long id) {
        return select("id = :id")
                .bind("id", id)
                .map(ROW)
                .findOne();
    }

    public Optional<Subscription> findByConfigKey(String configKey) {
        return select("config_key = :configKey AND deleted_at IS NULL")
                .bind("configKey", configKey)
                .map(ROW)
                .findOne();
    }

    public List<Subscription> list(long afterId, int limit) {
        return select("id > :after AND deleted_at IS NULL ORDER BY id LIMIT :limit")
                .bind("after", afterId)
                .bind("limit", limit)
                .map(ROW)
                .list();
    }

    public List<Subscription> configured() {
        return select("origin = 'config' AND deleted_at IS NULL")
                .map(ROW)
                .list();
    }

    public boolean delete(long id, Instant now) {
        // config_key is cleared so that the same entry, put back into the YAML file, starts afresh.
        return handle.createUpdate("UPDATE webhooks SET deleted_at = :now, config_key = NULL, leased_by = NULL, "
                        + "lease_until = :noLease WHERE id = :id AND deleted_at IS NULL")
                .bind("id", id)
                .bind("now", now)
                .bind("noLease", NO_LEASE)
                .execute() == 1;
    }

    public void setSecrets(long id, String secret, String previousSecret, Instant previousSecretUntil) {
        handle.createUpdate("UPDATE webhooks SET secret = :secret, previous_secret = :previous, "
                        + "previous_secret_until = :until WHERE id = :id")
                .bind("id", id)
                .bind("secret", secret)
                .bind("previous", previousSecret)
                .bind("until", previousSecretUntil)
                .execute();
    }

    /** Moves the cursor (back, usually) and clears "failing", so that the owner of the lease delivers from there. */
    public boolean redeliver(long id, long deliveredThrough) {
        return handle.createUpdate("UPDATE webhooks SET delivered_through = :cursor, attempts = 0, next_attempt_at = NULL, "
                        + "failing_since = NULL WHERE id = :id AND deleted_at IS NULL")
                .bind("id", id)
                .bind("cursor", deliveredThrough)
                .execute() == 1;
    }

    // ---- leases: one node delivers to a subscription at a time ----

    /**
     * Takes every subscription whose lease is free or expired. Each row is taken by a conditional
     * update, so that of two nodes that race for it exactly one wins.
     */
    public void claimFree(String node, Instant now, Instant until) {
        List<Long> free = handle.createQuery("SELECT id FROM webhooks WHERE deleted_at IS NULL AND failing_since IS NULL "
                        + "AND lease_until < :now")
                .bind("now", now)
                .mapTo(Long.class)
                .list();
        for (long id : free) {
            handle.createUpdate("UPDATE webhooks SET leased_by = :node, lease_until = :until WHERE id = :id "
                            + "AND deleted_at IS NULL AND failing_since IS NULL AND lease_until < :now")
                    .bind("id", id)
                    .bind("node", node)
                    .bind("until", until)
                    .bind("now", now)
                    .execute();
        }
    }

    /** Extends this node's live leases and answers the subscriptions it holds. */
    public List<Long> renew(String node, Instant now, Instant until) {
        handle.createUpdate("UPDATE webhooks SET lease_until = :until WHERE leased_by = :node AND lease_until >= :now "
                        + "AND deleted_at IS NULL AND failing_since IS NULL")
                .bind("node", node)
                .bind("now", now)
                .bind("until", until)
                .execute();
        return handle.createQuery("SELECT id FROM webhooks WHERE leased_by = :node AND lease_until >= :now "
                        + "AND deleted_at IS NULL AND failing_since IS NULL ORDER BY id")
                .bind("node", node)
                .bind("now", now)
                .mapTo(Long.class)
                .list();
    }

    /** On a clean stop: another node (or this one, restarted) may take over at once. */
    public void releaseAll(String node) {
        handle.createUpdate("UPDATE webhooks SET leased_by = NULL, lease_until = :noLease WHERE leased_by = :node")
                .bind("node", node)
                .bind("noLease", NO_LEASE)
                .execute();
    }

    // ---- the cursor and the log ----

    /** Moves the cursor past events that the subscription does not want; only from where this worker saw it. */
    public boolean skip(long id, String node, long from, long to) {
        return handle.createUpdate("UPDATE webhooks SET delivered_through = :to WHERE id = :id AND leased_by = :node "
                        + "AND delivered_through = :from AND attempts = 0")
                .bind("id", id)
                .bind("node", node)
                .bind("from", from)
                .bind("to", to)
                .execute() == 1;
    }

    /** Call in one transaction with {@link #log}: the cursor moves past the delivered event. */
    public boolean delivered(long id, String node, long from, long eventId) {
        return handle.createUpdate("UPDATE webhooks SET delivered_through = :eventId, attempts = 0, next_attempt_at = NULL, "
                        + "last_error = NULL WHERE id = :id AND leased_by = :node AND delivered_through = :from")
                .bind("id", id)
                .bind("node", node)
                .bind("from", from)
                .bind("eventId", eventId)
                .execute() == 1;
    }

    /** Counts a failed attempt; with {@code failingSince} set, delivery stops and the lease is given up. */
    public boolean failed(long id, String node, long from, int attempts, Instant nextAttemptAt, Instant failingSince, String error) {
        return handle.createUpdate("UPDATE webhooks SET attempts = :attempts, next_attempt_at = :next, "
                        + "failing_since = :failingSince, last_error = :error"
                        + (failingSince != null ? ", leased_by = NULL, lease_until = :noLease" : "")
                        + " WHERE id = :id AND leased_by = :node AND delivered_through = :from")
                .bind("id", id)
                .bind("node", node)
                .bind("from", from)
                .bind("attempts", attempts)
                .bind("next", nextAttemptAt)
                .bind("failingSince", failingSince)
                .bind("error", error)
                .bind("noLease", NO_LEASE)
                .execute() == 1;
    }

    public void log(Attempt attempt) {
        handle.createUpdate("INSERT INTO webhook_deliveries (webhook_id, event_id, attempt, message_id, attempted_at, outcome, "
                        + "status_code, latency_ms, error, node) VALUES (:webhookId, :eventId, :attempt, :messageId, "
                        + ":attemptedAt, :outcome, :statusCode, :latencyMs, :error, :node)")
                .bind("webhookId", attempt.webhookId())
                .bind("eventId", attempt.eventId())
                .bind("attempt", attempt.attempt())
                .bind("messageId", attempt.messageId())
                .bind("attemptedAt", attempt.attemptedAt())
                .bind("outcome", attempt.outcome())
                .bind("statusCode", attempt.statusCode())
                .bind("latencyMs", attempt.latencyMs())
                .bind("error", attempt.error() == null || attempt.error().length() <= 1000
                        ? attempt.error() : attempt.error().substring(0, 1000))
                .bind("node", attempt.node())
                .execute();
    }

    /** Newest first, before the cursor. */
    public List<DeliveryRow> deliveries(long webhookId, long beforeId, int limit) {
        return handle.createQuery("SELECT id, event_id, attempt, message_id, attempted_at, outcome, status_code, latency_ms, "
                        + "error, node FROM webhook_deliveries WHERE webhook_id = :webhookId AND id < :before "
                        + "ORDER BY id DESC LIMIT :limit")
                .bind("webhookId", webhookId)
                .bind("before", beforeId)
                .bind("limit", limit)
                .map(DELIVERY)
                .list();
    }

    // ---- for the metrics ----

    /** The cursor furthest behind among the live subscriptions, or empty when there is none. */
    public Optional<Long> oldestCursor() {
        return handle.createQuery("SELECT MIN(delivered_through) FROM webhooks WHERE deleted_at IS NULL")
                .mapTo(Long.class)
                .findOne();
    }

    public long countFailing() {
        return handle.createQuery("SELECT COUNT(*) FROM webhooks WHERE deleted_at IS NULL AND failing_since IS NOT NULL")
                .mapTo(Long.class)
                .one();
    }

    private Query select(String condition) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM webhooks WHERE " + condition)
                .registerColumnMapper(TYPES)
                .registerColumnMapper(GRANT_IDS);
    }
}
