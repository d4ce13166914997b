package io.grantwatch.db;

import io.grantwatch.core.Site;
import io.grantwatch.core.Sites;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.mapper.reflect.JdbiConstructor;

/** One state a grant went through. For the current state, {@code lastSeenAt} comes from the grant. */
public record SnapshotRow(long id, long grantId, Sites sites, Instant firstSeenAt, Instant lastSeenAt) {
    /** How JDBI builds a row: the sites and their hash are two columns. Public because JDBI calls it. */
    @JdbiConstructor
    public static SnapshotRow of(long id, long grantId, List<Site> sites, String sitesHash, Instant firstSeenAt,
            Instant lastSeenAt) {
        return new SnapshotRow(id, grantId, new Sites(sites, sitesHash), firstSeenAt, lastSeenAt);
    }
}
