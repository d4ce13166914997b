package io.grantwatch.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.grantwatch.Json;
import io.grantwatch.core.Site;
import io.grantwatch.core.Sites;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** All SQL on {@code snapshots}: one row per distinct state of a grant, sites stored as JSON. */
public final class SnapshotDao {
    private static final TypeReference<List<Site>> SITE_LIST = new TypeReference<>() {};

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
        return handle.createQuery("SELECT sites, sites_hash FROM snapshots WHERE id = :id")
                .bind("id", snapshotId)
                .map((rs, ctx) -> sites(rs))
                .one();
    }

    public Map<Long, Sites> sites(Collection<Long> snapshotIds) {
        Map<Long, Sites> byId = new HashMap<>();
        if (snapshotIds.isEmpty()) {
            return byId;
        }
        handle.createQuery("SELECT id, sites, sites_hash FROM snapshots WHERE id IN (<ids>)")
                .bindList("ids", List.copyOf(snapshotIds))
                .map((rs, ctx) -> Map.entry(rs.getLong("id"), sites(rs)))
                .forEach(entry -> byId.put(entry.getKey(), entry.getValue()));
        return byId;
    }

    /** The state the grant was in at {@code at}, as its history tells: the newest snapshot first seen by then. */
    public Optional<Long> idAt(long grantId, Instant at) {
        return handle.createQuery("SELECT id FROM snapshots WHERE grant_id = :grantId AND first_seen_at <= :at "
                        + "ORDER BY id DESC LIMIT 1")
                .bind("grantId", grantId)
                .bind("at", at)
                .mapTo(Long.class)
                .findOne();
    }

    /** Newest first, before the cursor (a snapshot id; {@code Long.MAX_VALUE} for the newest). */
    public List<SnapshotRow> history(long grantId, long beforeId, int limit) {
        return handle.createQuery("SELECT id, grant_id, sites, sites_hash, first_seen_at, last_seen_at FROM snapshots "
                        + "WHERE grant_id = :grantId AND id < :before ORDER BY id DESC LIMIT :limit")
                .bind("grantId", grantId)
                .bind("before", beforeId)
                .bind("limit", limit)
                .map((rs, ctx) -> new SnapshotRow(
                        rs.getLong("id"),
                        rs.getLong("grant_id"),
                        sites(rs),
                        GrantDao.instant(rs, "first_seen_at"),
                        GrantDao.instant(rs, "last_seen_at")))
                .list();
    }

    private static Sites sites(ResultSet rs) throws SQLException {
        try {
            return new Sites(Json.MAPPER.readValue(rs.getString("sites"), SITE_LIST), rs.getString("sites_hash"));
        } catch (JsonProcessingException e) {
            throw new SQLException("a stored snapshot is not valid JSON", e);
        }
    }
}
