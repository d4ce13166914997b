package io.grantwatch.tokens;

import io.grantwatch.config.Config;
import io.grantwatch.core.GrantStatus;
import io.grantwatch.crypto.TokenCipher;
import io.grantwatch.db.GrantDao;
import io.grantwatch.db.GrantRow;
import io.grantwatch.core.UnknownGrantException;
import io.grantwatch.tokens.TokenService.TokenUnavailableException.Reason;
import java.time.Clock;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/**
 * Hands a valid access token to the integration, refreshing it first when needed, so that the
 * integration never refreshes on its own and never races grantwatch for a rotating refresh token.
 * Thread-safe.
 */
public final class TokenService {
    private final Jdbi jdbi;
    private final TokenCipher cipher;
    private final TokenRefresher refresher;
    private final Config.Tokens policy;
    private final Clock clock;

    public TokenService(Jdbi jdbi, TokenCipher cipher, TokenRefresher refresher, Config.Tokens policy, Clock clock) {
        this.jdbi = jdbi;
        this.cipher = cipher;
        this.refresher = refresher;
        this.policy = policy;
        this.clock = clock;
    }

    /** The token and its expiry. {@code toString} never shows the token. */
    public record AccessToken(String accessToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "AccessToken[expiresAt=" + expiresAt + "]";
        }
    }

    /** Why no token can be handed out; the API decides what each reason answers. */
    public static final class TokenUnavailableException extends RuntimeException {
        public enum Reason { GRANT_REVOKED, REFRESH_FAILED, TOKEN_EXPIRED }

        private final Reason reason;

        public TokenUnavailableException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    public AccessToken validAccessToken(long grantId) {
        GrantRow grant = jdbi.withHandle(handle -> new GrantDao(handle).find(grantId))
                .filter(row -> !row.deleted())
                .orElseThrow(() -> new UnknownGrantException(grantId));
        if (grant.status() == GrantStatus.REVOKED) {
            throw new TokenUnavailableException(Reason.GRANT_REVOKED, "the grant is revoked: the user must consent again");
        }
        Instant now = clock.instant();
        boolean expiring = grant.accessExpiresAt() != null && !now.plus(policy.refreshMargin()).isBefore(grant.accessExpiresAt());
        if (expiring && refresher.canRefresh(grant)) {
            switch (refresher.refresh(grant.id(), grant.tokenVersion())) {
                case TokenRefresher.Result.Tokens fresh -> {
                    return new AccessToken(fresh.tokens().accessToken(), fresh.tokens().expiresAt());
                }
                case TokenRefresher.Result.Revoked revoked -> throw new TokenUnavailableException(Reason.GRANT_REVOKED,
                        "Atlassian refused the refresh token (invalid_grant): the user must consent again");
                case TokenRefresher.Result.Gone gone -> throw new UnknownGrantException(grantId);
                case TokenRefresher.Result.Failed failed -> {
                    if (grant.accessExpiresAt().isBefore(now)) {
                        throw new TokenUnavailableException(Reason.REFRESH_FAILED,
                                "the access token expired and refreshing it failed (" + failed.reason() + "); try again");
                    }
                }
            }
        } else if (grant.accessExpiresAt() != null && !now.isBefore(grant.accessExpiresAt())) {
            throw new TokenUnavailableException(Reason.TOKEN_EXPIRED,
                    "the access token expired and grantwatch cannot refresh it: give new tokens with PUT /v1/grants/{id}/tokens");
        }
        return new AccessToken(cipher.decrypt(grant.accessToken()), grant.accessExpiresAt());
    }
}
