package io.grantwatch.check;

import java.time.Instant;

/**
 * The outcome of one check of one grant, with the token version it used and when it started.
 * {@code refusedBy} is the cloudId of a site whose own API refused the grant's token just before
 * this check was asked for (a proxied call), or null.
 */
public record Checked(long grantId, int tokenVersion, Instant startedAt, Outcome outcome, String refusedBy) {
    public Checked(long grantId, int tokenVersion, Instant startedAt, Outcome outcome) {
        this(grantId, tokenVersion, startedAt, outcome, null);
    }

    Checked refusedBy(String cloudId) {
        return new Checked(grantId, tokenVersion, startedAt, outcome, cloudId);
    }
}
