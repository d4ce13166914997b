package io.grantwatch.db;

import io.grantwatch.core.GrantStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.generic.GenericType;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/** All SQL on {@code grants}. Works on the handle (and so the transaction) it is given. */
public final class GrantDao {
    private static final String COLUMNS = "id, external_id, label, status, access_token, refresh_token, token_key_id, "
            + "token_version, access_expires_at, consented_at, created_at, last_checked_at, last_changed_at, "
            + "next_check_at, failures, last_error, snapshot_id, sites_hash, snapshot_seen_at, deleted_at, "
            + "last_refreshed_at, expiring_notified_at, removal_pending_at, phase, account_id, connected_at";
    private static final String INSERT = "INSERT INTO grants (external_id, label, status, access_token, refresh_token, "
            + "token_key_id, access_expires_at, consented_at, created_at, next_check_at) VALUES (:externalId, :label, "
            + "'PENDING', :accessToken, :refreshToken, :tokenKeyId, :accessExpiresAt, :consentedAt, :createdAt, :nextCheckAt)";
    private static final RowMapper<GrantRow> ROW = ConstructorMapper.of(GrantRow.class);

    private final Handle handle;

    public GrantDao(Handle handle) {
        this.handle = handle;
    }

    public record NewGrant(
            String externalId,
            String label,
            String accessToken,
            String refreshToken,
            String tokenKeyId,
            Instant accessExpiresAt,
            Instant consentedAt,
            Instant createdAt,
            Instant nextCheckAt) {}

    public long insert(NewGrant grant) {
        return handle.createUpdate(INSERT)
                .bindMethods(grant)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
    }

    /** Gives grants that have none their phase in the polling interval (see V7): spread evenly by id. */
    public void placeNew() {
        // In floating point on purpose: H2 rounds MOD of a decimal to whole numbers.
        handle.execute("UPDATE grants SET phase = CAST(id AS DOUBLE PRECISION) * 0.6180339887498949 "
                + "- FLOOR(CAST(id AS DOUBLE PRECISION) * 0.6180339887498949) WHERE phase IS NULL");
    }

    /**
     * Polled grants whose phase lies in [from, to), after the keyset ({@code afterPhase}, {@code afterId}),
     * in phase order. Read without locks: the window they belong to was claimed by this caller alone.
     */
    public List<GrantRow> inPhases(double from, double to, double afterPhase, long afterId, int limit) {
        return select("phase >= :from AND phase < :to AND (phase > :afterPhase OR (phase = :afterPhase AND id > :afterId)) "
                        + "AND deleted_at IS NULL AND status <> 'REVOKED' ORDER BY phase, id LIMIT :limit")
                .bind("from", from)
                .bind("to", to)
                .bind("afterPhase", afterPhase)
                .bind("afterId", afterId)
                .bind("limit", limit)
                .map(ROW)
                .list();
    }

    /** Many grants in one batch (the benchmark's bulk load); due at {@code nextCheckAt}. */
    public void insertAll(List<NewGrant> grants) {
        PreparedBatch batch = handle.prepareBatch(INSERT);
        for (NewGrant grant : grants) {
            batch.bindMethods(grant).add();
        }
        batch.execute();
    }

    /** Inserts many grants in batches of statements and returns their ids, in order. */
    public List<Long> insertAllReturningIds(List<NewGrant> grants) {
        if (grants.isEmpty()) {
            return List.of();
        }
        PreparedBatch batch = handle.prepareBatch(INSERT);
        for (NewGrant grant : grants) {
            batch.bindMethods(grant).add();
        }
        return batch.executePreparedBatch("id").mapTo(Long.class).list();
    }

    /**
     * Which of these externalIds a monitored grant holds already. One array parameter, not an IN list:
     * PostgreSQL's generic plan for a prepared IN of 1,000 parameters scanned the whole table (an import of
     * 100,000 grants slowed from 3 s to 50 s a request as the table grew).
     */
    public java.util.Set<String> takenExternalIds(Collection<String> externalIds) {
        if (externalIds.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(handle.createQuery("SELECT external_id FROM grants WHERE external_id = ANY(:ids)")
                .bindArray("ids", String.class, externalIds)
                .mapTo(String.class)
                .list());
    }

    public Optional<GrantRow> find(long id) {
        return select("id = :id")
                .bind("id", id)
                .map(ROW)
                .findOne();
    }

    public Optional<GrantRow> findByExternalId(String externalId) {
        return select("external_id = :externalId")
                .bind("externalId", externalId)
                .map(ROW)
                .findOne();
    }

    /** The monitored grant of an Atlassian account. */
    public Optional<GrantRow> findByAccountId(String accountId) {
        return select("account_id = :accountId AND deleted_at IS NULL")
                .bind("accountId", accountId)
                .map(ROW)
                .findOne();
    }

    /**
     * A user finished the consent flow for this grant (its new tokens are stored apart): its account,
     * when known, the time, and a new 365-day refresh token limit. A label replaces the old one; an
     * external id is only taken by a grant that has none.
     */
    public boolean markConnected(long id, String accountId, String label, String externalId, Instant at) {
        return handle.createUpdate("UPDATE grants SET account_id = COALESCE(:accountId, account_id), connected_at = :at, "
                        + "consented_at = :at, expiring_notified_at = NULL, label = COALESCE(:label, label), "
                        + "external_id = COALESCE(external_id, :externalId) WHERE id = :id AND deleted_at IS NULL")
                .bind("id", id)
                .bind("accountId", accountId)
                .bind("label", label)
                .bind("externalId", externalId)
                .bind("at", at)
                .execute() == 1;
    }

    /** Grants still monitored, by id, after the cursor. */
    public List<GrantRow> list(long afterId, int limit) {
        return select("deleted_at IS NULL AND id > :after ORDER BY id LIMIT :limit")
                .bind("after", afterId)
                .bind("limit", limit)
                .map(ROW)
                .list();
    }

    /** Locks the rows (in id order, so that two writers cannot deadlock) and returns them by id. */
    public Map<Long, GrantRow> lock(Collection<Long> ids) {
        Map<Long, GrantRow> rows = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return rows;
        }
        select("id IN (<ids>) ORDER BY id FOR UPDATE")
                .bindList("ids", List.copyOf(ids))
                .map(ROW)
                .forEach(row -> rows.put(row.id(), row));
        return rows;
    }

    /**
     * The grants due for a check, locked; rows that another node is claiming right now are skipped
     * rather than waited for, so that nodes never queue behind each other.
     */
    public List<GrantRow> lockDue(Instant now, int limit) {
        return select("next_check_at <= :now ORDER BY next_check_at LIMIT :limit FOR UPDATE SKIP LOCKED")
                .bind("now", now)
                .bind("limit", limit)
                .map(ROW)
                .list();
    }

    public void setNextChecks(Map<Long, Instant> nextChecks) {
        if (nextChecks.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch("UPDATE grants SET next_check_at = :next WHERE id = :id");
        nextChecks.forEach((id, next) -> batch.bind("id", id).bind("next", next).add());
        batch.execute();
    }

    /** The common case of a check: the same state as before, still healthy. One batched statement. */
    public void confirm(Map<Long, Instant> checkedAt) {
        if (checkedAt.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch("UPDATE grants SET last_checked_at = :at, snapshot_seen_at = :at, "
                + "failures = 0, last_error = NULL, removal_pending_at = NULL, next_check_at = NULL WHERE id = :id");
        checkedAt.forEach((id, at) -> batch.bind("id", id).bind("at", at).add());
        batch.execute();
    }

    /** What a check concluded about a grant, as {@link #record} writes it. */
    public record CheckState(
            GrantStatus status,
            int failures,
            String lastError,
            Instant lastCheckedAt,
            Instant lastChangedAt,
            Long snapshotId,
            String sitesHash,
            Instant snapshotSeenAt,
            Instant removalPendingAt) {}

    /** Writes what a check concluded, and when to check again outside the regular slots (null: only at them). */
    public void record(long id, CheckState state, Instant nextCheckAt) {
        handle.createUpdate("UPDATE grants SET status = :status, failures = :failures, last_error = :lastError, "
                        + "last_checked_at = :lastCheckedAt, last_changed_at = :lastChangedAt, snapshot_id = :snapshotId, "
                        + "sites_hash = :sitesHash, snapshot_seen_at = :snapshotSeenAt, removal_pending_at = :removalPendingAt"
                        + ", next_check_at = :nextCheckAt WHERE id = :id")
                .bindMethods(state)
                .bind("id", id)
                .bind("nextCheckAt", nextCheckAt)
                .execute();
    }

    /** New tokens for a grant; its token version moves on so that checks with the old ones count for nothing. */
    public boolean replaceTokens(long id, String accessToken, String refreshToken, String tokenKeyId,
            Instant accessExpiresAt) {
        return handle.createUpdate("UPDATE grants SET access_token = :accessToken, refresh_token = :refreshToken, "
                        + "token_key_id = :tokenKeyId, access_expires_at = :accessExpiresAt, "
                        + "token_version = token_version + 1 WHERE id = :id AND deleted_at IS NULL")
                .bind("id", id)
                .bind("accessToken", accessToken)
                .bind("refreshToken", refreshToken)
                .bind("tokenKeyId", tokenKeyId)
                .bind("accessExpiresAt", accessExpiresAt)
                .execute() == 1;
    }

    /** Locks one grant's row until the end of the transaction: the refresh lock that holds across nodes. */
    public Optional<GrantRow> lockOne(long id) {
        return select("id = :id FOR UPDATE")
                .bind("id", id)
                .map(ROW)
                .findOne();
    }

    /** Tokens that grantwatch refreshed itself; like {@link #replaceTokens} but the schedule stays. */
    public void storeRefreshedTokens(long id, String accessToken, String refreshToken, String tokenKeyId,
            Instant accessExpiresAt, Instant refreshedAt) {
        handle.createUpdate("UPDATE grants SET access_token = :accessToken, refresh_token = :refreshToken, "
                        + "token_key_id = :tokenKeyId, access_expires_at = :accessExpiresAt, last_refreshed_at = :refreshedAt, "
                        + "token_version = token_version + 1 WHERE id = :id")
                .bind("id", id)
                .bind("accessToken", accessToken)
                .bind("refreshToken", refreshToken)
                .bind("tokenKeyId", tokenKeyId)
                .bind("accessExpiresAt", accessExpiresAt)
                .bind("refreshedAt", refreshedAt)
                .execute();
    }

    /**
     * Claims the right to refresh this grant until {@code until}, unless another claim is still running or
     * the tokens moved past {@code tokenVersion}. One short statement; true if claimed.
     */
    public boolean claimRefreshLease(long id, int tokenVersion, String by, Instant now, Instant until) {
        return handle.createUpdate("UPDATE grants SET refresh_lease_until = :until, refresh_lease_by = :by WHERE id = :id "
                        + "AND token_version = :version AND deleted_at IS NULL "
                        + "AND (refresh_lease_until IS NULL OR refresh_lease_until <= :now)")
                .bind("id", id)
                .bind("version", tokenVersion)
                .bind("by", by)
                .bind("now", now)
                .bind("until", until)
                .execute() == 1;
    }

    /**
     * Tokens refreshed under the lease {@code by}: stored only if that lease is still this grant's and the
     * tokens are still at {@code tokenVersion}; the lease ends with it. True if stored.
     */
    public boolean storeRefreshedTokensUnderLease(long id, int tokenVersion, String by, String accessToken,
            String refreshToken, String tokenKeyId, Instant accessExpiresAt, Instant refreshedAt) {
        return handle.createUpdate("UPDATE grants SET access_token = :accessToken, refresh_token = :refreshToken, "
                        + "token_key_id = :tokenKeyId, access_expires_at = :accessExpiresAt, last_refreshed_at = :refreshedAt, "
                        + "token_version = token_version + 1, refresh_lease_until = NULL, refresh_lease_by = NULL "
                        + "WHERE id = :id AND token_version = :version AND refresh_lease_by = :by AND deleted_at IS NULL")
                .bind("id", id)
                .bind("version", tokenVersion)
                .bind("by", by)
                .bind("accessToken", accessToken)
                .bind("refreshToken", refreshToken)
                .bind("tokenKeyId", tokenKeyId)
                .bind("accessExpiresAt", accessExpiresAt)
                .bind("refreshedAt", refreshedAt)
                .execute() == 1;
    }

    /** Ends the lease {@code by} without new tokens (the refresh failed), if it is still this grant's. */
    public void releaseRefreshLease(long id, String by) {
        handle.createUpdate("UPDATE grants SET refresh_lease_until = NULL, refresh_lease_by = NULL WHERE id = :id "
                        + "AND refresh_lease_by = :by")
                .bind("id", id)
                .bind("by", by)
                .execute();
    }

    public void markExpiringNotified(long id, Instant at) {
        handle.createUpdate("UPDATE grants SET expiring_notified_at = :at WHERE id = :id").bind("id", id).bind("at", at).execute();
    }

    /** The key ids that stored tokens are encrypted with. */
    public List<String> keyIdsInUse() {
        return handle.createQuery("SELECT DISTINCT token_key_id FROM grants WHERE token_key_id IS NOT NULL")
                .mapTo(String.class)
                .list();
    }

    /** Grants whose tokens are encrypted with another key than {@code keyId}, locked, skipping rows busy elsewhere. */
    public List<GrantRow> lockEncryptedWithOtherKey(String keyId, int limit) {
        return select("token_key_id IS NOT NULL AND token_key_id <> :keyId ORDER BY id LIMIT :limit "
                        + "FOR UPDATE SKIP LOCKED")
                .bind("keyId", keyId)
                .bind("limit", limit)
                .map(ROW)
                .list();
    }

    public long countEncryptedWithOtherKey(String keyId) {
        return handle.createQuery("SELECT COUNT(*) FROM grants WHERE token_key_id IS NOT NULL AND token_key_id <> :keyId")
                .bind("keyId", keyId)
                .mapTo(Long.class)
                .one();
    }

    /** The same tokens under another key: the token version stays, since the tokens did not change. */
    public void reencrypt(long id, String accessToken, String refreshToken, String tokenKeyId) {
        handle.createUpdate("UPDATE grants SET access_token = :accessToken, refresh_token = :refreshToken, "
                        + "token_key_id = :tokenKeyId WHERE id = :id")
                .bind("id", id)
                .bind("accessToken", accessToken)
                .bind("refreshToken", refreshToken)
                .bind("tokenKeyId", tokenKeyId)
                .execute();
    }

    /** Stops monitoring and erases the tokens; the row stays so that history and events keep their grant. */
    public boolean delete(long id, Instant now) {
        return handle.createUpdate("UPDATE grants SET access_token = NULL, refresh_token = NULL, token_key_id = NULL, "
                        + "token_version = token_version + 1, next_check_at = NULL, deleted_at = :now, "
                        + "deleted_external_id = external_id, external_id = NULL, account_id = NULL WHERE id = :id AND deleted_at IS NULL")
                .bind("id", id)
                .bind("now", now)
                .execute() == 1;
    }

    public Map<GrantStatus, Long> countByStatus() {
        Map<GrantStatus, Long> counts = new LinkedHashMap<>();
        for (GrantStatus status : GrantStatus.values()) {
            counts.put(status, 0L);
        }
        counts.putAll(handle.createQuery("SELECT status, COUNT(*) AS n FROM grants WHERE deleted_at IS NULL GROUP BY status")
                .setMapKeyColumn("status")
                .setMapValueColumn("n")
                .collectInto(new GenericType<Map<GrantStatus, Long>>() {}));
        return counts;
    }

    /** The oldest due time among grants waiting for a check: how far behind schedule the checks are. */
    public Optional<Instant> oldestDue(Instant now) {
        return handle.createQuery("SELECT MIN(next_check_at) FROM grants WHERE next_check_at <= :now")
                .bind("now", now)
                .mapTo(Instant.class)
                .findOne();
    }

    private Query select(String condition) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM grants WHERE " + condition);
    }
}
