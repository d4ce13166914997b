package io.grantwatch.tokens;

import io.grantwatch.atlassian.AtlassianClient;
import io.grantwatch.atlassian.RefreshResult;
import io.grantwatch.config.Config;
import io.grantwatch.crypto.TokenCipher;
import io.grantwatch.db.GrantDao;
import io.grantwatch.db.GrantRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/**
 * Refreshes a grant's tokens, one refresh of one grant at a time across every node.
 *
 * <p>Atlassian rotates refresh tokens: presenting a retired one outside a 10-minute leeway kills
 * the grant. So the refresh runs inside a transaction that holds the grant's row lock
 * ({@code SELECT ... FOR UPDATE}), re-reads the row after taking it (another node may have
 * refreshed already; then its tokens are used and Atlassian is not called), and stores the
 * rotated tokens before anyone uses them. The lock dies with the connection if the node dies.
 * Thread-safe.
 */
public final class TokenRefresher {
    private final Jdbi jdbi;
    private final AtlassianClient client;
    private final TokenCipher cipher;
    private final Config.Atlassian app;
    private final Clock clock;
    private final RefreshListener listener;

    public TokenRefresher(Jdbi jdbi, AtlassianClient client, TokenCipher cipher, Config.Atlassian app, Clock clock,
            RefreshListener listener) {
        this.jdbi = jdbi;
        this.client = client;
        this.cipher = cipher;
        this.app = app;
        this.clock = clock;
        this.listener = listener;
    }

    /** Told of each refresh's outcome (for metrics); never of a token. */
    public interface RefreshListener {
        void refreshed(String outcome);
    }

    /** Usable tokens: plain text, in memory only. {@code toString} never shows them. */
    public record CurrentTokens(String accessToken, Instant expiresAt, int tokenVersion, boolean refreshedNow) {
        @Override
        public String toString() {
            return "CurrentTokens[expiresAt=" + expiresAt + ", tokenVersion=" + tokenVersion + "]";
        }
    }

    public sealed interface Result {
        /** Tokens to use: refreshed now by this call, or found refreshed by someone else. */
        record Tokens(CurrentTokens tokens) implements Result {}

        /** {@code invalid_grant}: the grant is gone. */
        record Revoked(String description) implements Result {}

        /** Nothing learned; the tokens stay as they were. */
        record Failed(String reason, String detail, Duration retryAfter) implements Result {}

        /** The grant was deleted meanwhile. */
        record Gone() implements Result {}
    }

    /** True when this grant can be refreshed at all: client credentials configured and a refresh token stored. */
    public boolean canRefresh(GrantRow grant) {
        return app.canRefresh() && grant.refreshToken() != null;
    }

    /**
     * Refreshes unless the grant's tokens changed since {@code knownVersion} (someone else refreshed
     * or replaced them): then answers with those.
     */
    public Result refresh(long grantId, int knownVersion) {
        return jdbi.inTransaction(handle -> {
            GrantDao grants = new GrantDao(handle);
            GrantRow grant = grants.lockOne(grantId).filter(row -> !row.deleted()).orElse(null);
            if (grant == null) {
                return new Result.Gone();
            }
            if (grant.tokenVersion() != knownVersion) {
                listener.refreshed("found_refreshed");
                return new Result.Tokens(new CurrentTokens(cipher.decrypt(grant.accessToken()), grant.accessExpiresAt(),
                        grant.tokenVersion(), false));
            }
            if (grant.refreshToken() == null || !app.canRefresh()) {
                return new Result.Failed("cannot_refresh", "no refresh token or no client credentials", null);
            }
            RefreshResult answer = client.refresh(app.clientId(), app.clientSecret(), cipher.decrypt(grant.refreshToken()));
            return switch (answer) {
                case RefreshResult.Refreshed refreshed -> {
                    Instant now = clock.instant();
                    Instant expiresAt = now.plus(refreshed.expiresIn());
                    // Atlassian sometimes sends no new refresh token: the old one stays valid then.
                    String refreshToken = refreshed.refreshToken() != null
                            ? cipher.encrypt(refreshed.refreshToken())
                            : grant.refreshToken();
                    if (refreshed.refreshToken() == null && !Objects.equals(cipher.currentKeyId(), grant.tokenKeyId())) {
                        refreshToken = cipher.encrypt(cipher.decrypt(grant.refreshToken()));
                    }
                    grants.storeRefreshedTokens(grantId, cipher.encrypt(refreshed.accessToken()), refreshToken,
                            cipher.currentKeyId(), expiresAt, now);
                    listener.refreshed("refreshed");
                    yield new Result.Tokens(new CurrentTokens(refreshed.accessToken(), expiresAt, grant.tokenVersion() + 1, true));
                }
                case RefreshResult.InvalidGrant invalid -> {
                    listener.refreshed("invalid_grant");
                    yield new Result.Revoked(invalid.description());
                }
                case RefreshResult.Transient failure -> {
                    listener.refreshed("failed");
                    yield new Result.Failed(failure.reason(), failure.detail(), failure.retryAfter());
                }
            };
        });
    }
}
