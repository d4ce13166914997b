package io.grantwatch.db;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/** All SQL on {@code events}, the outbox that is also the feed. */
public final class EventDao {
    private static final RowMapper<EventRow> ROW = ConstructorMapper.of(EventRow.class);

    private final Handle handle;

    public EventDao(Handle handle) {
        this.handle = handle;
    }

    public record NewEventRow(long grantId, String type, String cloudId, Instant time, String data) {}

    /**
     * Appends events. Takes the event sequence lock first and keeps it to the end of the caller's
     * transaction, so that ids become visible in increasing order (see V1 migration).
     */
    public void append(List<NewEventRow> events) {
        if (events.isEmpty()) {
            return;
        }
        handle.createUpdate("UPDATE event_sequence_lock SET writes = writes + 1 WHERE id = 1").execute();
        PreparedBatch batch = handle.prepareBatch(
                "INSERT INTO events (grant_id, type, cloud_id, time, data) VALUES (:grantId, :type, :cloudId, :time, :data)");
        for (NewEventRow event : events) {
            batch.bindMethods(event).add();
        }
        batch.execute();
    }

    /** The id of the newest event, 0 when there is none: the cursor of "from now on". */
    public long lastId() {
        return handle.createQuery("SELECT COALESCE(MAX(id), 0) FROM events").mapTo(Long.class).one();
    }

    /** Oldest first, after the cursor, optionally of one grant and of some types. */
    public List<EventRow> after(long cursor, int limit, Long grantId, List<String> types) {
        StringBuilder sql = new StringBuilder("SELECT id, grant_id, type, cloud_id, time, data FROM events WHERE id > :after");
        if (grantId != null) {
            sql.append(" AND grant_id = :grantId");
        }
        if (!types.isEmpty()) {
            sql.append(" AND type IN (<types>)");
        }
        sql.append(" ORDER BY id LIMIT :limit");
        Query query = handle.createQuery(sql.toString()).bind("after", cursor).bind("limit", limit);
        if (grantId != null) {
            query.bind("grantId", grantId);
        }
        if (!types.isEmpty()) {
            query.bindList("types", types);
        }
        return query.map(ROW).list();
    }

    /** The id of the newest event, 0 while there is none. */
    public long latestId() {
        return handle.createQuery("SELECT COALESCE(MAX(id), 0) FROM events").mapTo(Long.class).one();
    }
}
