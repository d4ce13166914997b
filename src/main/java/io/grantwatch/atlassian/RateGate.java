package io.grantwatch.atlassian;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Paces every call to Atlassian from this node: at most {@code maxPerSecond} (0: no ceiling), and
 * none at all while Atlassian has asked us to wait. A 429 slows every check down, not only the
 * grant that got it: rate limits apply to the app, and hammering on would only prolong them.
 * Times come from the clock, so that tests can move it instead of sleeping. Thread-safe.
 */
public final class RateGate {
    private final Clock clock;
    private final long spacingNanos;
    private final AtomicLong nextSlot;
    private volatile long pausedUntil;
    private final AtomicLong waits = new AtomicLong();
    private final AtomicLong signals = new AtomicLong();

    public RateGate(double maxPerSecond, Clock clock) {
        this.clock = clock;
        this.spacingNanos = maxPerSecond > 0 ? (long) (1_000_000_000L / maxPerSecond) : 0;
        this.nextSlot = new AtomicLong(now());
        this.pausedUntil = now();
    }

    public static RateGate unlimited() {
        return new RateGate(0, Clock.systemUTC());
    }

    /** Blocks (a virtual thread, cheaply) until this call may go. */
    public void acquire() throws InterruptedException {
        Duration wait = reserve();
        if (wait.isPositive()) {
            Thread.sleep(wait);
        }
    }

    /**
     * Takes the next slot and says how long its caller must wait for it: what {@link #acquire()}
     * sleeps. The wait is measured once, so a clock that tests hold still cannot block a call for ever.
     */
    Duration reserve() {
        long now = now();
        long slot = now;
        if (spacingNanos > 0) {
            slot = nextSlot.getAndUpdate(next -> Math.max(next, now) + spacingNanos);
            slot = Math.max(slot, now);
        }
        long wait = Math.max(slot, pausedUntil) - now;
        if (wait <= 0) {
            return Duration.ZERO;
        }
        waits.incrementAndGet();
        return Duration.ofNanos(wait);
    }

    /** Atlassian answered 429: nobody calls before {@code retryAfter} has passed. */
    public void pause(Duration retryAfter) {
        signals.incrementAndGet();
        long until = now() + retryAfter.toNanos();
        synchronized (this) {
            if (until - pausedUntil > 0) {
                pausedUntil = until;
            }
        }
    }

    /** Calls that had to wait, for the metrics. */
    public long waits() {
        return waits.get();
    }

    /** 429 answers seen, for the metrics. */
    public long signals() {
        return signals.get();
    }

    private long now() {
        Instant now = clock.instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
    }
}
