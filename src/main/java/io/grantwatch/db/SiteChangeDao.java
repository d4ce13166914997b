package io.grantwatch.db;

import io.grantwatch.core.NewEvent;
import io.grantwatch.core.Site;
import io.grantwatch.core.Sites;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * All SQL on {@code site_changes}, the columns behind the views {@code current_sites} and
 * {@code scope_changes} (V5 migration). Works on the handle (and so the transaction) it is given.
 */
public final class SiteChangeDao {
    private final Handle handle;

    public SiteChangeDao(Handle handle) {
        this.handle = handle;
    }

    /**
     * One row per {@code site.*} event among {@code events}; other events are skipped.
     *
     * @param after the grant's sites after these events, for the name, url and scopes of sites that stay
     */
    public void append(long grantId, Instant at, List<NewEvent> events, Sites after) {
        PreparedBatch batch = handle.prepareBatch("INSERT INTO site_changes (grant_id, cloud_id, type, name, url, scopes, "
                + "scopes_added, scopes_removed, time) VALUES (:grantId, :cloudId, :type, :name, :url, :scopes, :added, "
                + ":removed, :time)");
        for (NewEvent event : events) {
            if (!event.type().isSiteEvent()) {
                continue;
            }
            Optional<Site> site = after == null ? Optional.empty() : after.find(event.cloudId());
            String scopes = site.map(s -> joined(s.scopes())).orElse("");
            String added = switch (event.type()) {
                case SITE_GRANTED -> scopes;
                case SITE_SCOPES_CHANGED -> joined(event.data().get("scopesAdded"));
                default -> "";
            };
            String removed = switch (event.type()) {
                case SITE_REVOKED -> joined(event.data().get("scopes"));
                case SITE_SCOPES_CHANGED -> joined(event.data().get("scopesRemoved"));
                default -> "";
            };
            batch.bind("grantId", grantId)
                    .bind("cloudId", event.cloudId())
                    .bind("type", event.type().wireName())
                    // A revoked site is gone from the state: its event has its last name and url.
                    .bind("name", site.map(Site::name).orElseGet(() -> text(event.data().get("name"))))
                    .bind("url", site.map(Site::url).orElseGet(() -> text(event.data().get("url"))))
                    .bind("scopes", scopes)
                    .bind("added", added)
                    .bind("removed", removed)
                    .bind("time", at)
                    .add();
        }
        if (batch.size() > 0) {
            batch.execute();
        }
    }

    private static String text(Object value) {
        return value instanceof String string ? string : null;
    }

    private static String joined(Object scopes) {
        return scopes instanceof List<?> list
                ? String.join(" ", list.stream().map(String::valueOf).sorted().toList())
                : "";
    }
}
