package io.grantwatch.db;

import io.grantwatch.Json;
import io.grantwatch.core.Site;
import io.grantwatch.core.Sites;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.ColumnMapperFactory;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.statement.Query;

/** All SQL on {@code snapshots}: one row per distinct state of a grant, sites stored as JSON. */
public final class SnapshotDao {
    private static final String COLUMNS = "id, grant_id, sites, sites_hash, first_seen_at, last_seen_at";
    private static final ColumnMapperFactory SITE_LIST = JsonList.of(Site.class);
    private static final RowMapper<SnapshotRow> ROW = ConstructorMapper.of(SnapshotRow.class);

    private final Handle handle;

    public SnapshotDao(Handle handle) {
        this.handle = handle;
    }

    public long insert(long grantId, Sites sites, Instant seenAt) {
        return handle.createUpdate("INSERT INTO snapshots (grant_id, sites_hash, sites, first_seen_at, last_seen_at) "
                        + "VALUES (:grantId, :hash, :sites, :seenAt, :seenAt)")
                .bind("grantId", grantId)
                .bind("hash", sites.hash())
                .bind("sites", Json.write(sites.list()))
                .bind("seenAt", seenAt)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
    }

    /** A state is replaced: it was last seen when the grant last confirmed it. */
    public void close(long snapshotId, Instant lastSeenAt) {
        handle.createUpdate("UPDATE snapshots SET last_seen_at = :lastSeenAt WHERE id = :id")
                .bind("id", snapshotId)
                .bind("lastSeenAt", lastSeenAt)
                .execute();
    }

    public Sites sites(long snapshotId) {
        return select("id = :id").bind("id", snapshotId).map(ROW).one().sites();
    }

    public Map<Long, Sites> sites(Collection<Long> snapshotIds) {
        Map<Long, Sites> byId = new HashMap<>();
        if (snapshotIds.isEmpty()) {
            return byId;
        }
        select("id IN (<ids>)")
                .bindList("ids", List.copyOf(snapshotIds))
                .map(ROW)
                .forEach(row -> byId.put(row.id(), row.sites()));
        return byId;
    }

    /** Newest first, before the cursor (a snapshot id; {@code Long.MAX_VALUE} for the newest). */
    public List<SnapshotRow> history(long grantId, long beforeId, int limit) {
        return select("grant_id = :grantId AND id < :before ORDER BY id DESC LIMIT :limit")
                .bind("grantId", grantId)
                .bind("before", beforeId)
                .bind("limit", limit)
                .map(ROW)
                .list();
    }

    private Query select(String condition) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM snapshots WHERE " + condition).registerColumnMapper(SITE_LIST);
    }
}
