package io.grantwatch.db;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/** All SQL on {@code audit_entries}. */
public final class AuditDao {
    private static final RowMapper<AuditRow> ROW = ConstructorMapper.of(AuditRow.class);

    private final Handle handle;

    public AuditDao(Handle handle) {
        this.handle = handle;
    }

    public record NewEntry(Instant time, String keyName, Long grantId, String action, int status) {}

    /**
     * Appends one entry. Takes the audit sequence lock first and keeps it to the end of the caller's
     * transaction, so that ids become visible in increasing order (see the V10 migration): call it
     * in a transaction.
     */
    public void append(NewEntry entry) {
        append(List.of(entry));
    }

    /** Appends entries in their order, under one turn of the sequence lock (see {@link #append(NewEntry)}). */
    public void append(List<NewEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        handle.createUpdate("UPDATE audit_sequence_lock SET writes = writes + 1 WHERE id = 1").execute();
        PreparedBatch batch = handle.prepareBatch("INSERT INTO audit_entries (time, key_name, grant_id, action, status) "
                + "VALUES (:time, :keyName, :grantId, :action, :status)");
        for (NewEntry entry : entries) {
            batch.bindMethods(entry).add();
        }
        batch.execute();
    }

    /** Oldest first, after the cursor, optionally of one grant. */
    public List<AuditRow> after(long cursor, int limit, Long grantId) {
        String sql = "SELECT id, time, key_name, grant_id, action, status FROM audit_entries WHERE id > :after"
                + (grantId != null ? " AND grant_id = :grantId" : "")
                + " ORDER BY id LIMIT :limit";
        Query query = handle.createQuery(sql).bind("after", cursor).bind("limit", limit);
        if (grantId != null) {
            query.bind("grantId", grantId);
        }
        return query.map(ROW).list();
    }

    /** Deletes up to {@code batch} of the oldest entries from before {@code cutoff}; answers how many. */
    public int deleteOlderThan(Instant cutoff, int batch) {
        return handle.createUpdate("DELETE FROM audit_entries WHERE id IN "
                        + "(SELECT id FROM audit_entries WHERE time < :cutoff ORDER BY id LIMIT :batch)")
                .bind("cutoff", cutoff)
                .bind("batch", batch)
                .execute();
    }
}
