package io.grantwatch.check;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many checks may be in flight on this node, following demand. By Little's law the number in
 * flight is the rate times the latency (L = λ·W); it is measured directly, as the time-weighted mean
 * of checks in flight over each quarter second, and the limit is set to twice that, between a floor
 * and the configured ceiling. When a check had to wait for a place, demand was above the limit and
 * the limit doubles; a long tail of slow answers so raises the limit within a second or two, with
 * no hand tuning, and it falls back gently when the tail is gone. Thread-safe.
 */
final class AdaptiveLimit {
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final double HEADROOM = 2.0;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private final int floor;
    private final int ceiling;

    // Guarded by lock.
    private int limit;
    private int inFlight;
    private long periodStart = System.nanoTime();
    private long lastChange = periodStart;
    private double occupancy;
    private boolean waited;

    AdaptiveLimit(int floor, int ceiling) {
        this.ceiling = ceiling;
        this.floor = Math.min(floor, ceiling);
        this.limit = this.floor;
    }

    /** Waits for a place among the checks in flight. */
    void acquire() throws InterruptedException {
        lock.lock();
        try {
            while (inFlight >= limit) {
                waited = true;
                freed.awaitNanos(PERIOD_NANOS);
                adjust(System.nanoTime());
            }
            count(System.nanoTime(), +1);
        } finally {
            lock.unlock();
        }
    }

    void release() {
        lock.lock();
        try {
            count(System.nanoTime(), -1);
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
        int target = (int) Math.ceil(HEADROOM * meanInFlight);
        int next = waited ? Math.max(target, 2 * limit) : Math.max(target, limit - limit / 8);
        int previous = limit;
        limit = Math.clamp(next, floor, ceiling);
        if (limit > previous) {
            freed.signalAll();
        }
        periodStart = now;
        occupancy = 0;
        waited = false;
    }
}
