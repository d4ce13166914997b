package io.grantwatch.grants;

import io.grantwatch.core.GrantStatus;
import java.time.Instant;
import java.util.List;

/**
 * A grant as the API shows it: never a token. {@code stale} is true when {@code sites} is the last
 * known state rather than a current answer (DEGRADED, TOKEN_EXPIRED). {@code accountId} (the
 * Atlassian account) and {@code connectedAt} are known for grants made or renewed by the consent flow.
 */
public record GrantView(
        long id,
        String externalId,
        String label,
        String accountId,
        GrantStatus status,
        Instant createdAt,
        Instant consentedAt,
        Instant connectedAt,
        Instant lastCheckedAt,
        Instant lastChangedAt,
        Instant sitesConfirmedAt,
        Instant accessTokenExpiresAt,
        boolean hasRefreshToken,
        int consecutiveFailures,
        String lastError,
        boolean stale,
        List<SiteView> sites) {}
