package io.grantwatch.proxy;

import io.grantwatch.tokens.TokenService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The access tokens proxied calls are made with, kept in memory for {@link #KEEP} so that the calls
 * of a grant read and decrypt its row once in a while instead of once a call (that read was a tenth
 * of a proxied call's CPU time). A token is never kept into its refresh margin: then
 * {@link TokenService} refreshes it (under the cross-node lock) first. A token the site refused is
 * dropped at once. Should another node refresh a grant, this node may send the old token, still
 * valid until its own expiry, for up to {@link #KEEP}. Thread-safe.
 */
final class CallTokens {
    static final Duration KEEP = Duration.ofSeconds(30);

    private final TokenService tokens;
    private final Duration refreshMargin;
    private final Clock clock;
    private final ConcurrentMap<Long, Kept> kept = new ConcurrentHashMap<>();

    private record Kept(String token, Instant expiresAt, long keptAtNanos) {
        @Override
        public String toString() {
            return "Kept[expiresAt=" + expiresAt + "]";
        }
    }

    CallTokens(TokenService tokens, Duration refreshMargin, Clock clock) {
        this.tokens = tokens;
        this.refreshMargin = refreshMargin;
        this.clock = clock;
    }

    String token(long grantId) {
        Kept known = kept.get(grantId);
        if (known != null && System.nanoTime() - known.keptAtNanos() < KEEP.toNanos() && usable(known.expiresAt())) {
            return known.token();
        }
        TokenService.AccessToken fresh = tokens.validAccessToken(grantId);
        if (usable(fresh.expiresAt())) {
            kept.put(grantId, new Kept(fresh.accessToken(), fresh.expiresAt(), System.nanoTime()));
        }
        return fresh.accessToken();
    }

    void drop(long grantId) {
        kept.remove(grantId);
    }

    private boolean usable(Instant expiresAt) {
        return expiresAt == null || clock.instant().plus(refreshMargin).isBefore(expiresAt);
    }
}
