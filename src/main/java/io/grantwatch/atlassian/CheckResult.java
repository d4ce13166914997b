package io.grantwatch.atlassian;

import io.grantwatch.core.Sites;
import java.time.Duration;

/**
 * What one call to accessible-resources told us, after classification. Exactly one of: a valid
 * answer, a refused token, or a transient failure that says nothing about the grant.
 */
public sealed interface CheckResult {

    /** A valid answer (possibly no site at all), already normalized. */
    record Valid(Sites sites) implements CheckResult {}

    /** Atlassian refused the access token (401, or 403 with Atlassian's JSON error shape). */
    record TokenRefused(int httpStatus) implements CheckResult {}

    /**
     * Anything that says nothing about the grant: timeout, connection failure, 5xx, 429, HTML from a
     * proxy, malformed or wrongly shaped JSON, a body over the size limit.
     *
     * @param reason short stable code: {@code timeout}, {@code connection_failed}, {@code server_error},
     *     {@code rate_limited}, {@code html_answer}, {@code malformed_json}, {@code unexpected_shape},
     *     {@code body_too_large}, {@code unexpected_status}
     * @param detail human-readable detail for logs and {@code lastError}; never contains a token
     * @param retryAfter how long Atlassian asked us to wait (429 {@code Retry-After} or
     *     {@code X-RateLimit-Reset}), or null
     */
    record Transient(String reason, String detail, Duration retryAfter) implements CheckResult {}
}
