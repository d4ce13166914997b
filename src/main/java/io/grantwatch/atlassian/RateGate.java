package io.grantwatch.atlassian;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Paces every call to Atlassian from this node: at most {@code maxPerSecond} (0: no ceiling), and
 * none at all while Atlassian has asked us to wait. A 429 slows every check down, not only the
 * grant that got it: rate limits apply to the app, and hammering on would only prolong them.
 * Thread-safe.
 */
public final class RateGate {
    private final long spacingNanos;
    private final AtomicLong nextSlot = new AtomicLong(System.nanoTime());
    private volatile long pausedUntil = System.nanoTime();
    private final AtomicLong waits = new AtomicLong();
    private final AtomicLong signals = new AtomicLong();

    public RateGate(double maxPerSecond) {
        this.spacingNanos = maxPerSecond > 0 ? (long) (1_000_000_000L / maxPerSecond) : 0;
    }

    public static RateGate unlimited() {
        return new RateGate(0);
    }

    /** Blocks (a virtual thread, cheaply) until this call may go. */
    public void acquire() throws InterruptedException {
        long now = System.nanoTime();
        long slot = now;
        if (spacingNanos > 0) {
            slot = nextSlot.getAndUpdate(next -> Math.max(next, now) + spacingNanos);
            slot = Math.max(slot, now);
        }
        long wait = Math.max(slot, pausedUntil) - now;
        if (wait > 0) {
            waits.incrementAndGet();
            Thread.sleep(Duration.ofNanos(wait));
        }
    }

    /** Atlassian answered 429: nobody calls before {@code retryAfter} has passed. */
    public void pause(Duration retryAfter) {
        signals.incrementAndGet();
        long until = System.nanoTime() + retryAfter.toNanos();
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
}
