package io.grantwatch.db;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * All SQL on {@code connect_attempts}: one row per consent flow begun, found again by the hash of
 * its {@code state} on whichever node the callback reaches. Works on the handle it is given.
 */
public final class ConnectDao {
    private static final String COLUMNS = "id, return_url, external_id, label, scopes, grant_id, start_grant_id, "
            + "start_snapshot_id, history_mark, created_at, expires_at, used_at";

    private static final RowMapper<AttemptRow> ROW = ConstructorMapper.of(AttemptRow.class);

    private final Handle handle;

    public ConnectDao(Handle handle) {
        this.handle = handle;
    }

    public record NewAttempt(
            String stateHash,
            String returnUrl,
            String externalId,
            String label,
            String scopes,
            Long grantId,
            Long startGrantId,
            Long startSnapshotId,
            Long historyMark,
            Instant createdAt,
            Instant expiresAt) {}

    /**
     * One connect attempt. {@code startGrantId} and {@code startSnapshotId} are the grant the attempt
     * named when it began and that grant's state then (null snapshot: it held nothing yet);
     * {@code historyMark} the newest snapshot id of all then (null: there was none).
     */
    public record AttemptRow(
            long id,
            String returnUrl,
            String externalId,
            String label,
            String scopes,
            Long grantId,
            Long startGrantId,
            Long startSnapshotId,
            Long historyMark,
            Instant createdAt,
            Instant expiresAt,
            Instant usedAt) {}

    public long insert(NewAttempt attempt) {
        return handle.createUpdate("INSERT INTO connect_attempts (state_hash, return_url, external_id, label, scopes, "
                        + "grant_id, start_grant_id, start_snapshot_id, history_mark, created_at, expires_at) VALUES (:stateHash, "
                        + ":returnUrl, :externalId, :label, :scopes, :grantId, :startGrantId, :startSnapshotId, "
                        + ":historyMark, :createdAt, :expiresAt)")
                .bindMethods(attempt)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
    }

    /**
     * Uses the state up: of two callbacks with one state, exactly one gets the attempt, and none does
     * once it expired. Empty for an unknown, used or expired state.
     */
    public Optional<AttemptRow> consume(String stateHash, Instant now) {
        int used = handle.createUpdate("UPDATE connect_attempts SET used_at = :now WHERE state_hash = :stateHash "
                        + "AND used_at IS NULL AND expires_at > :now")
                .bind("stateHash", stateHash)
                .bind("now", now)
                .execute();
        if (used != 1) {
            return Optional.empty();
        }
        return handle.createQuery("SELECT " + COLUMNS + " FROM connect_attempts WHERE state_hash = :stateHash")
                .bind("stateHash", stateHash)
                .map(ROW)
                .findOne();
    }

    /** Forgets attempts that expired before {@code before}: their state can no longer be used anyway. */
    public int deleteExpired(Instant before) {
        return handle.createUpdate("DELETE FROM connect_attempts WHERE expires_at < :before")
                .bind("before", before)
                .execute();
    }

    /** Attempts in the table (tests: a refused connect leaves none behind). */
    public long count() {
        return handle.createQuery("SELECT COUNT(*) FROM connect_attempts").mapTo(Long.class).one();
    }
}
