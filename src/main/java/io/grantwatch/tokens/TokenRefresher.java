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
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Refreshes a grant's tokens, one refresh of one grant at a time across every node.
 *
 * <p>Atlassian rotates refresh tokens: presenting a retired one outside a 10-minute leeway kills
 * the grant. So a refresh first claims a lease on the grant's row in one short transaction
 * ({@code refresh_lease_until}/{@code refresh_lease_by}, fenced by the token version it read; another
 * node that finds the lease taken waits for its tokens), then calls the token endpoint with no database
 * connection held, then stores the rotated tokens in one more short transaction only if its lease and
 * the version still hold, before anyone uses them. So a storm of refreshes cannot take the pool's
 * connections from the checks. The lease outlives the request timeout: a node that dies holding it
 * delays that grant's refresh by the lease, and a call that outlives it has its tokens dropped (what
 * was stored wins; the refresh token it presented stays good within Atlassian's leeway). Thread-safe.
 */
public final class TokenRefresher {
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
    private static final Duration WAIT_STEP = Duration.ofMillis(50);
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
     * or replaced them): then answers with those. While another refresh of the grant is in flight
     * (its lease), waits for it and answers with its tokens.
     */
    public Result refresh(long grantId, int knownVersion) {
        String by = UUID.randomUUID().toString();
        long giveUp = System.nanoTime() + lease().toNanos();
        Claim claim;
        while (true) {
            claim = claim(grantId, knownVersion, by);
            if (!(claim instanceof Claim.Busy)) {
                break;
            }
            if (System.nanoTime() - giveUp > 0) {
                listener.refreshed("failed");
                return new Result.Failed("refresh_in_progress", "another refresh of this grant did not finish in time", null);
            }
            try {
                Thread.sleep(WAIT_STEP);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result.Failed("interrupted", "interrupted while waiting for another refresh of this grant", null);
            }
        }
        return switch (claim) {
            case Claim.Done done -> done.result();
            case Claim.Leased leased -> refreshUnderLease(grantId, knownVersion, by, leased.grant());
            case Claim.Busy busy -> throw new IllegalStateException("unreachable");
        };
    }

    private sealed interface Claim {
        record Done(Result result) implements Claim {}

        record Leased(GrantRow grant) implements Claim {}

        record Busy() implements Claim {}
    }

    /** One short transaction: the answer at once, the lease, or word that another refresh holds it. */
    private Claim claim(long grantId, int knownVersion, String by) {
        return jdbi.inTransaction(handle -> {
            GrantDao grants = new GrantDao(handle);
            GrantRow grant = grants.find(grantId).filter(row -> !row.deleted()).orElse(null);
            if (grant == null) {
                return new Claim.Done(new Result.Gone());
            }
            if (grant.tokenVersion() != knownVersion) {
                listener.refreshed("found_refreshed");
                return new Claim.Done(new Result.Tokens(new CurrentTokens(cipher.decrypt(grant.accessToken()),
                        grant.accessExpiresAt(), grant.tokenVersion(), false)));
            }
            if (grant.refreshToken() == null || !app.canRefresh()) {
                return new Claim.Done(new Result.Failed("cannot_refresh", "no refresh token or no client credentials", null));
            }
            Instant now = clock.instant();
            if (!grants.claimRefreshLease(grantId, knownVersion, by, now, now.plus(lease()))) {
                return new Claim.Busy();
            }
            // Read again under the claim: the refresh token is the one of the version just claimed.
            return grants.find(grantId).filter(row -> row.tokenVersion() == knownVersion)
                    .<Claim>map(Claim.Leased::new).orElseGet(Claim.Busy::new);
        });
    }

    /** The call to Atlassian with no connection held, then one short transaction that stores what it gave. */
    private Result refreshUnderLease(long grantId, int knownVersion, String by, GrantRow grant) {
        RefreshResult answer;
        try {
            answer = client.refresh(app.clientId(), app.clientSecret(), cipher.decrypt(grant.refreshToken()));
        } catch (RuntimeException e) {
            release(grantId, by);
            throw e;
        }
        switch (answer) {
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
                String storedRefreshToken = refreshToken;
                boolean stored = jdbi.inTransaction(handle -> new GrantDao(handle).storeRefreshedTokensUnderLease(grantId,
                        knownVersion, by, cipher.encrypt(refreshed.accessToken()), storedRefreshToken, cipher.currentKeyId(),
                        expiresAt, now));
                if (stored) {
                    listener.refreshed("refreshed");
                    return new Result.Tokens(new CurrentTokens(refreshed.accessToken(), expiresAt, knownVersion + 1, true));
                }
                // The lease was lost (it ran out and another node took it) or the tokens were replaced meanwhile:
                // what is stored wins, and these tokens are never used. The refresh token presented is still good
                // within Atlassian's reuse leeway for whoever presents it next.
                return afterLostLease(grantId, knownVersion);
            }
            case RefreshResult.InvalidGrant invalid -> {
                release(grantId, by);
                listener.refreshed("invalid_grant");
                return new Result.Revoked(invalid.description());
            }
            case RefreshResult.Transient failure -> {
                release(grantId, by);
                listener.refreshed("failed");
                return new Result.Failed(failure.reason(), failure.detail(), failure.retryAfter());
            }
        }
    }

    private Result afterLostLease(long grantId, int knownVersion) {
        GrantRow now = jdbi.withHandle(handle -> new GrantDao(handle).find(grantId)).filter(row -> !row.deleted()).orElse(null);
        if (now == null) {
            return new Result.Gone();
        }
        if (now.tokenVersion() != knownVersion) {
            listener.refreshed("found_refreshed");
            return new Result.Tokens(new CurrentTokens(cipher.decrypt(now.accessToken()), now.accessExpiresAt(),
                    now.tokenVersion(), false));
        }
        listener.refreshed("failed");
        return new Result.Failed("lease_lost", "the refresh outlasted its lease; its tokens were not stored", null);
    }

    private void release(long grantId, String by) {
        jdbi.useTransaction(handle -> new GrantDao(handle).releaseRefreshLease(grantId, by));
    }

    /** Longer than any one call to the token endpoint may take, with room for a rate-limit pause before it. */
    private Duration lease() {
        return app.requestTimeout().multipliedBy(2).plus(LEASE_MARGIN);
    }
}
