package io.grantwatch.db;

import java.time.Instant;
import java.util.List;

/**
 * One row of {@code webhooks}. Secrets are ciphertext here, and {@code toString} leaves them and
 * the url out (a Slack url is a credential). Immutable.
 *
 * @param deliveredThrough the cursor: every event up to this id was delivered or did not match
 * @param attempts failed attempts at the first event after the cursor
 */
public record Subscription(
        long id,
        String url,
        Format format,
        List<String> types,
        List<Long> grantIds,
        Origin origin,
        String configKey,
        String secret,
        String previousSecret,
        Instant previousSecretUntil,
        long deliveredThrough,
        int attempts,
        Instant nextAttemptAt,
        Instant failingSince,
        String lastError,
        String leasedBy,
        Instant leaseUntil,
        Instant createdAt,
        Instant deletedAt) {

    public enum Origin { API, CONFIG }

    public boolean failing() {
        return failingSince != null;
    }

    public boolean deleted() {
        return deletedAt != null;
    }

    /** Empty lists mean "every type" and "every grant". */
    public boolean matches(EventRow event) {
        return (types.isEmpty() || types.contains(event.type())) && (grantIds.isEmpty() || grantIds.contains(event.grantId()));
    }

    @Override
    public String toString() {
        return "Subscription[id=" + id + ", format=" + format + ", deliveredThrough=" + deliveredThrough + "]";
    }
}
