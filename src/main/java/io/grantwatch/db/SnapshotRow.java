package io.grantwatch.db;

import io.grantwatch.core.Sites;
import java.time.Instant;

/** One state a grant went through. For the current state, {@code lastSeenAt} comes from the grant. */
public record SnapshotRow(long id, long grantId, Sites sites, Instant firstSeenAt, Instant lastSeenAt) {}
