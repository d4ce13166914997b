package io.grantwatch.atlassian;

import java.time.Duration;

/** What Atlassian's token endpoint answered to a refresh, after classification. */
public sealed interface RefreshResult {

    /**
     * New tokens. {@code refreshToken} is null when Atlassian sent none back: the caller keeps the
     * old one. {@code toString} never shows a token.
     */
    record Refreshed(String accessToken, String refreshToken, Duration expiresIn, String scope) implements RefreshResult {
        @Override
        public String toString() {
            return "Refreshed[expiresIn=" + expiresIn + ", rotated=" + (refreshToken != null) + ", scope=" + scope + "]";
        }
    }

    /** {@code invalid_grant}: the refresh token is revoked, expired or was reused. The grant is gone. */
    record InvalidGrant(String description) implements RefreshResult {}

    /** A failure that says nothing about the grant; same reason codes as {@link CheckResult.Transient}. */
    record Transient(String reason, String detail, Duration retryAfter) implements RefreshResult {}
}
