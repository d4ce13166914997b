package io.grantwatch.check;

import io.grantwatch.atlassian.AtlassianClient;
import io.grantwatch.atlassian.CheckResult;
import io.grantwatch.crypto.TokenCipher;
import io.grantwatch.db.GrantRow;
import java.time.Clock;
import java.time.Instant;

/**
 * Checks one grant against Atlassian: decrypts its access token, calls accessible-resources and
 * turns the answer into an {@link Outcome}. Does no database work. Thread-safe.
 */
public final class GrantChecker {
    private final AtlassianClient client;
    private final TokenCipher cipher;
    private final Clock clock;

    public GrantChecker(AtlassianClient client, TokenCipher cipher, Clock clock) {
        this.client = client;
        this.cipher = cipher;
        this.clock = clock;
    }

    public Checked check(GrantRow grant) {
        Instant startedAt = clock.instant();
        // A token we know to be expired would only be refused: say so without asking Atlassian.
        if (grant.accessExpiresAt() != null && !startedAt.isBefore(grant.accessExpiresAt())) {
            return new Checked(grant.id(), grant.tokenVersion(), startedAt,
                    new Outcome.Expired("the access token expired at " + grant.accessExpiresAt() + " and cannot be refreshed"));
        }
        CheckResult result = client.accessibleResources(cipher.decrypt(grant.accessToken()));
        Outcome outcome = switch (result) {
            case CheckResult.Valid valid -> new Outcome.Valid(valid.sites());
            case CheckResult.TokenRefused refused -> new Outcome.Expired(
                    "Atlassian refused the access token (HTTP " + refused.httpStatus() + ") and it cannot be refreshed");
            case CheckResult.Transient failure -> new Outcome.Transient(failure.reason(), failure.detail(), failure.retryAfter());
        };
        return new Checked(grant.id(), grant.tokenVersion(), startedAt, outcome);
    }
}
