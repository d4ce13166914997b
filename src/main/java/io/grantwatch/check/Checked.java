package io.grantwatch.check;

import java.time.Instant;

/** The outcome of one check of one grant, with the token version it used and when it started. */
public record Checked(long grantId, int tokenVersion, Instant startedAt, Outcome outcome) {}
