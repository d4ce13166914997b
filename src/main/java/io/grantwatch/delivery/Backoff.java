package io.grantwatch.delivery;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Retry delays: exponential with full jitter (a random delay between zero and
 * {@code initial * 2^(attempt-1)}, capped), so that receivers coming back from an outage are not
 * hit by every retry at the same moment. Thread-safe.
 */
final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final LongUnaryOperator randomBelow;

    /** @param randomBelow a uniform random number from 0 (inclusive) to its argument (exclusive) */
    Backoff(Duration initial, Duration max, LongUnaryOperator randomBelow) {
        this.initial = initial;
        this.max = max;
        this.randomBelow = randomBelow;
    }

    /** The delay before attempt {@code failedAttempts + 1}, after {@code failedAttempts} (at least 1) failures. */
    Duration after(int failedAttempts) {
        long ceiling = ceilingMillis(failedAttempts);
        return Duration.ofMillis(randomBelow.applyAsLong(ceiling + 1));
    }

    long ceilingMillis(int failedAttempts) {
        int doublings = Math.min(Math.max(0, failedAttempts - 1), 40);
        long ceiling = initial.toMillis();
        for (int i = 0; i < doublings && ceiling < max.toMillis(); i++) {
            ceiling *= 2;
        }
        return Math.min(ceiling, max.toMillis());
    }
}
