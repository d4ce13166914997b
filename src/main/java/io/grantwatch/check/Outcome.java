package io.grantwatch.check;

import io.grantwatch.core.Sites;
import java.time.Duration;

/** What one check concluded about a grant, after any refresh and retry. */
public sealed interface Outcome {

    /** A valid answer: the grant reaches exactly these sites. */
    record Valid(Sites sites) implements Outcome {}

    /** The access token is refused and cannot be refreshed: the grant may be fine, nobody can tell. */
    record Expired(String detail) implements Outcome {}

    /** The grant is gone ({@code invalid_grant}, or a just-refreshed token refused). */
    record Revoked(String reason) implements Outcome {}

    /** Nothing learned about the grant (timeouts, 5xx, 429, malformed answers). */
    record Transient(String reason, String detail, Duration retryAfter) implements Outcome {}
}
