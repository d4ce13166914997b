package io.grantwatch.check;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * How many checks may be in flight on this node, following demand. By Little's law the number in
 * flight is the rate times the latency (L = λ·W); it is measured directly, as the time-weighted mean
 * of checks in flight over each quarter second, and the limit is set to twice that, between a floor
 * and the configured ceiling. When a check had to wait for a place, demand was above the limit and
 * the limit doubles; a long tail of slow answers so raises the limit within a second or two, with
 * no hand tuning, and it falls back gently when the tail is gone. A raise must pay: when checks
 * complete no faster (by a tenth) after the limit grew than before it did, the bottleneck is this
 * node's CPU or its database, not Atlassian, and more checks in flight would only queue there; the
 * limit then holds until {@link #PROBE_NANOS} have passed, when it may try once more. Thread-safe.
 */
final class AdaptiveLimit {
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final double HEADROOM = 2.0;
    /** How long a limit that grew without paying is held before it may grow again. */
    static final long PROBE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final double PAYS = 1.1;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private final int floor;
    private final int ceiling;
    private final LongSupplier nanoTime;

    // Guarded by lock.
    private int limit;
    private int inFlight;
    private long periodStart;
    private long lastChange;
    private double occupancy;
    private boolean waited;
    private long completed;
    /** Checks completed a second in the period before the last raise, and when that raise was. */
    private double rateBeforeRaise;
    private long raisedAt;
    private boolean raisePending;
    private int limitBeforeRaise;
    private long heldUntil;

    AdaptiveLimit(int floor, int ceiling) {
        this(floor, ceiling, System::nanoTime);
    }

    /** @param nanoTime the clock of the periods ({@link System#nanoTime()}; a test's own) */
    AdaptiveLimit(int floor, int ceiling, LongSupplier nanoTime) {
        this.ceiling = ceiling;
        this.floor = Math.min(floor, ceiling);
        this.limit = this.floor;
        this.nanoTime = nanoTime;
        this.periodStart = nanoTime.getAsLong();
        this.lastChange = periodStart;
        this.raisedAt = periodStart - PROBE_NANOS;
        this.heldUntil = periodStart;
    }

    /** Waits for a place among the checks in flight. */
    void acquire() throws InterruptedException {
        lock.lock();
        try {
            while (inFlight >= limit) {
                waited = true;
                freed.awaitNanos(PERIOD_NANOS);
                adjust(nanoTime.getAsLong());
            }
            count(nanoTime.getAsLong(), +1);
        } finally {
            lock.unlock();
        }
    }

    void release() {
        lock.lock();
        try {
            completed++;
            count(nanoTime.getAsLong(), -1);
            freed.signal();
        } finally {
            lock.unlock();
        }
    }

    int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    int limit() {
        lock.lock();
        try {
            return limit;
        } finally {
            lock.unlock();
        }
    }

    private void count(long now, int delta) {
        occupancy += inFlight * (double) (now - lastChange);
        lastChange = now;
        inFlight += delta;
        adjust(now);
    }

    private void adjust(long now) {
        long elapsed = now - periodStart;
        if (elapsed < PERIOD_NANOS) {
            return;
        }
        occupancy += inFlight * (double) (now - lastChange);
        lastChange = now;
        double meanInFlight = occupancy / elapsed;
        double rate = completed * 1e9 / elapsed;
        if (raisePending && now - raisedAt >= PERIOD_NANOS) {
            // The first whole period after a raise says whether it paid.
            raisePending = false;
            if (rate < PAYS * rateBeforeRaise) {
                limit = limitBeforeRaise;
                heldUntil = now + PROBE_NANOS;
            }
        }
        int target = (int) Math.ceil(HEADROOM * meanInFlight);
        int next = waited ? Math.max(target, 2 * limit) : Math.max(target, limit - limit / 8);
        if (next > limit && now < heldUntil) {
            next = limit;
        }
        int previous = limit;
        limit = Math.clamp(next, floor, ceiling);
        if (limit > previous) {
            rateBeforeRaise = rate;
            limitBeforeRaise = previous;
            raisedAt = now;
            raisePending = true;
            freed.signalAll();
        }
        periodStart = now;
        occupancy = 0;
        completed = 0;
        waited = false;
    }
}
