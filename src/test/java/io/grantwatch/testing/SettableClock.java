package io.grantwatch.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that tests move by hand (db-scheduler's {@code SettableClock}), so that time-based
 * behaviour is tested without sleeping. Thread-safe: the application reads it while a test moves it.
 */
public final class SettableClock extends Clock {
    /** A fixed, whole-second start, so that times in assertions read well. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-05T09:00:00Z");

    private volatile Instant now;

    public SettableClock() {
        this(DEFAULT_START);
    }

    public SettableClock(Instant start) {
        this.now = start;
    }

    public synchronized void tick(Duration duration) {
        now = now.plus(duration);
    }

    public void set(Instant instant) {
        now = instant;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
