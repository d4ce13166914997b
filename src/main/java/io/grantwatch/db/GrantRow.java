package io.grantwatch.db;

import io.grantwatch.core.GrantStatus;
import java.time.Instant;

/**
 * One row of {@code grants}. Tokens are ciphertext here; {@code toString} leaves them out anyway.
 * Immutable.
 */
public record GrantRow(
        long id,
        String externalId,
        String label,
        GrantStatus status,
        String accessToken,
        String refreshToken,
        String tokenKeyId,
        int tokenVersion,
        Instant accessExpiresAt,
        Instant consentedAt,
        Instant createdAt,
        Instant lastCheckedAt,
        Instant lastChangedAt,
        Instant nextCheckAt,
        int failures,
        String lastError,
        Long snapshotId,
        String sitesHash,
        Instant snapshotSeenAt,
        Instant deletedAt,
        Instant lastRefreshedAt,
        Instant expiringNotifiedAt,
        Instant removalPendingAt,
        double phase,
        String accountId,
        Instant connectedAt) {

    public boolean deleted() {
        return deletedAt != null;
    }

    @Override
    public String toString() {
        return "GrantRow[id=" + id + ", status=" + status + ", tokenVersion=" + tokenVersion + ", snapshotId=" + snapshotId + "]";
    }
}
