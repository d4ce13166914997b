package io.grantwatch.check;

import io.grantwatch.atlassian.AtlassianClient;
import io.grantwatch.atlassian.CheckResult;
import io.grantwatch.config.Config;
import io.grantwatch.crypto.TokenCipher;
import io.grantwatch.db.GrantRow;
import io.grantwatch.tokens.TokenRefresher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Checks one grant against Atlassian: refreshes its tokens first when they are about to expire (or
 * were not refreshed for too long), calls accessible-resources, and on a refused token refreshes
 * and tries once more before concluding anything. Its only database work is the refresh itself.
 * Thread-safe.
 */
public final class GrantChecker {
    private final AtlassianClient client;
    private final TokenCipher cipher;
    private final TokenRefresher refresher;
    private final Config.Tokens policy;
    private final Clock clock;

    public GrantChecker(AtlassianClient client, TokenCipher cipher, TokenRefresher refresher, Config.Tokens policy, Clock clock) {
        this.client = client;
        this.cipher = cipher;
        this.refresher = refresher;
        this.policy = policy;
        this.clock = clock;
    }

    public Checked check(GrantRow grant) {
        Instant startedAt = clock.instant();
        boolean refreshable = refresher.canRefresh(grant);
        TokenRefresher.CurrentTokens tokens = new TokenRefresher.CurrentTokens(
                cipher.decrypt(grant.accessToken()), grant.accessExpiresAt(), grant.tokenVersion(), false);

        if (refreshable && needsRefresh(grant, startedAt)) {
            TokenRefresher.Result refresh = refresher.refresh(grant.id(), grant.tokenVersion());
            if (refresh instanceof TokenRefresher.Result.Tokens fresh) {
                tokens = fresh.tokens();
            } else if (!(refresh instanceof TokenRefresher.Result.Failed) || isExpired(tokens, startedAt)) {
                return done(grant, tokens, startedAt, withoutTokens(refresh, "token refresh failed: "));
            }
            // A failed refresh of a token that still works is no reason to give up the check.
        }
        if (!refreshable && isExpired(tokens, startedAt)) {
            // A token we know to be expired would only be refused: say so without asking Atlassian.
            return done(grant, tokens, startedAt, new Outcome.Expired(
                    "the access token expired at " + tokens.expiresAt() + " and cannot be refreshed"));
        }

        CheckResult result = client.accessibleResources(tokens.accessToken());
        // Refused: refresh and try once more; a second attempt covers tokens another node had just rotated.
        for (int attempt = 0; result instanceof CheckResult.TokenRefused refused && attempt < 2; attempt++) {
            if (tokens.refreshedNow()) {
                return done(grant, tokens, startedAt, new Outcome.Revoked("access_token_refused_after_refresh"));
            }
            if (!refreshable) {
                return done(grant, tokens, startedAt, new Outcome.Expired(
                        "Atlassian refused the access token (HTTP " + refused.httpStatus() + ") and it cannot be refreshed"));
            }
            TokenRefresher.Result refresh = refresher.refresh(grant.id(), tokens.tokenVersion());
            if (!(refresh instanceof TokenRefresher.Result.Tokens fresh)) {
                return done(grant, tokens, startedAt, withoutTokens(refresh, "token refused and its refresh failed: "));
            }
            tokens = fresh.tokens();
            result = client.accessibleResources(tokens.accessToken());
        }
        Outcome outcome = switch (result) {
            case CheckResult.Valid valid -> new Outcome.Valid(valid.sites());
            case CheckResult.TokenRefused refused -> new Outcome.Revoked("access_token_refused_after_refresh");
            case CheckResult.Transient failure -> new Outcome.Transient(failure.reason(), failure.detail(), failure.retryAfter());
        };
        return done(grant, tokens, startedAt, outcome);
    }

    /** What a refresh that brought no tokens means for the check. */
    private static Outcome withoutTokens(TokenRefresher.Result refresh, String failurePrefix) {
        return switch (refresh) {
            case TokenRefresher.Result.Revoked revoked -> new Outcome.Revoked("invalid_grant");
            case TokenRefresher.Result.Gone gone -> new Outcome.Transient("deleted", "the grant was deleted", null);
            case TokenRefresher.Result.Failed failed ->
                    new Outcome.Transient(failed.reason(), failurePrefix + failed.detail(), failed.retryAfter());
            case TokenRefresher.Result.Tokens fresh -> throw new IllegalArgumentException("a refresh that brought tokens");
        };
    }

    /** The result carries the token version it ended with, so that the recorder does not take it for stale. */
    private static Checked done(GrantRow grant, TokenRefresher.CurrentTokens tokens, Instant startedAt, Outcome outcome) {
        return new Checked(grant.id(), tokens.tokenVersion(), startedAt, outcome);
    }

    /**
     * How long before expiry this grant's current token is refreshed: between half of {@code tokens.refreshMargin}
     * and all of it, drawn per grant and token version, so that grants registered or imported
     * together (whose tokens expire together) do not all refresh at one moment, hour after hour.
     */
    Duration refreshAhead(long grantId, int tokenVersion) {
        return refreshAhead(policy.refreshMargin(), grantId, tokenVersion);
    }

    /**
     * The draw itself, for {@code refreshMargin}: a pure function of grant and token version, so that
     * every node draws the same point, and the benchmark and tests can say when a grant falls due.
     */
    public static Duration refreshAhead(Duration refreshMargin, long grantId, int tokenVersion) {
        // SplitMix64's finalizer over grant and version: the draws of one grant's successive tokens are unrelated,
        // so that grants refreshed together drift apart hour after hour. (A bare XOR of the two products kept the
        // high bits of one token's draw tied to the last one's: after a storm, the grants came back together.)
        long mixed = grantId * 0x9E3779B97F4A7C15L + tokenVersion * 0xC2B2AE3D27D4EB4FL;
        mixed = (mixed ^ (mixed >>> 30)) * 0xBF58476D1CE4E5B9L;
        mixed = (mixed ^ (mixed >>> 27)) * 0x94D049BB133111EBL;
        mixed ^= mixed >>> 31;
        double spread = (mixed >>> 11) * 0x1.0p-53;
        long margin = refreshMargin.toMillis();
        return Duration.ofMillis(margin / 2 + (long) (spread * (margin - margin / 2)));
    }

    /** When a token expiring at {@code accessExpiresAt} falls due for a refresh (null when it never expires). */
    public static Instant refreshPoint(Duration refreshMargin, long grantId, int tokenVersion, Instant accessExpiresAt) {
        return accessExpiresAt == null ? null : accessExpiresAt.minus(refreshAhead(refreshMargin, grantId, tokenVersion));
    }

    private boolean needsRefresh(GrantRow grant, Instant now) {
        Instant due = refreshPoint(policy.refreshMargin(), grant.id(), grant.tokenVersion(), grant.accessExpiresAt());
        boolean expiring = due != null && !now.isBefore(due);
        Instant lastRefresh = grant.lastRefreshedAt() != null ? grant.lastRefreshedAt() : grant.createdAt();
        boolean keepAlive = lastRefresh != null && !now.isBefore(lastRefresh.plus(policy.keepAliveInterval()));
        return expiring || keepAlive;
    }

    private static boolean isExpired(TokenRefresher.CurrentTokens tokens, Instant now) {
        return tokens.expiresAt() != null && !now.isBefore(tokens.expiresAt());
    }
}
