package io.grantwatch.check;

import java.time.Duration;
import java.time.Instant;

/**
 * When each grant is due. Every grant has a fixed phase within the interval, spread evenly by id
 * (golden-ratio spacing), so that 100,000 grants registered in the same second still come due at
 * an even rate rather than all at once. Pure; thread-safe.
 */
public final class Schedule {
    private static final double GOLDEN = 0.6180339887498949;
    private final long intervalMillis;

    public Schedule(Duration interval) {
        this.intervalMillis = interval.toMillis();
    }

    /** The grant's next slot at least half an interval from now, so consecutive checks are about one interval apart. */
    public Instant next(long grantId, Instant now) {
        long phase = (long) (((grantId * GOLDEN) % 1.0) * intervalMillis);
        long earliest = now.toEpochMilli() + intervalMillis / 2;
        long periods = Math.floorDiv(earliest - phase + intervalMillis - 1, intervalMillis);
        return Instant.ofEpochMilli(phase + periods * intervalMillis);
    }
}
