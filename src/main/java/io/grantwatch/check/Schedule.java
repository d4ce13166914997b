package io.grantwatch.check;

import java.time.Duration;
import java.time.Instant;

/**
 * When grants are due. Every grant has a fixed phase in [0, 1), spread evenly by id (golden-ratio
 * spacing, given by {@code GrantDao.placeNew}): it is due whenever the clock passes {@code phase}
 * of the way through an interval. So 100,000 grants registered in the same second still come due
 * at an even rate, and a window of time maps to a range of phases without reading any grant. Pure;
 * thread-safe.
 */
public final class Schedule {
    private final long intervalMillis;

    public Schedule(Duration interval) {
        this.intervalMillis = interval.toMillis();
    }

    /** The phases due in the window [from, to): one range, or two when the window wraps past a whole interval. */
    public record Phases(double from, double to, boolean wraps, boolean all) {
        public boolean contains(double phase) {
            if (all) {
                return true;
            }
            return wraps ? phase >= from || phase < to : phase >= from && phase < to;
        }
    }

    public Phases phases(Instant from, Instant to) {
        long start = from.toEpochMilli();
        long end = to.toEpochMilli();
        if (end - start >= intervalMillis) {
            return new Phases(0, 1, false, true);
        }
        double a = Math.floorMod(start, intervalMillis) / (double) intervalMillis;
        double b = Math.floorMod(end, intervalMillis) / (double) intervalMillis;
        return new Phases(a, b, b < a, false);
    }

    public Duration interval() {
        return Duration.ofMillis(intervalMillis);
    }
}
