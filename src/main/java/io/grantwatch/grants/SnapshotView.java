package io.grantwatch.grants;

import io.grantwatch.core.Site;
import io.grantwatch.db.SnapshotRow;
import java.time.Instant;
import java.util.List;

/** One state of a grant as {@code GET /v1/grants/{id}/snapshots} shows it; {@code id} is the paging cursor. */
public record SnapshotView(long id, List<Site> sites, Instant firstSeenAt, Instant lastSeenAt) {
    static SnapshotView of(SnapshotRow row, Instant lastSeenAt) {
        return new SnapshotView(row.id(), row.sites().list(), row.firstSeenAt(), lastSeenAt);
    }
}
