package io.grantwatch.grants;

import java.net.URI;
import io.grantwatch.db.SnapshotRow;
import java.time.Instant;
import java.util.List;

/** One state of a grant as {@code GET /v1/grants/{id}/snapshots} shows it; {@code id} is the paging cursor. */
public record SnapshotView(long id, List<SiteView> sites, Instant firstSeenAt, Instant lastSeenAt) {
    static SnapshotView of(SnapshotRow row, Instant lastSeenAt, URI apiBaseUrl) {
        return new SnapshotView(row.id(), SiteView.of(row.sites().list(), apiBaseUrl), row.firstSeenAt(), lastSeenAt);
    }
}
