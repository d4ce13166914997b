package io.grantwatch.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The limit of checks in flight on a clock of the test's own: a check that has to wait raises it, and
 * the raise stays only if checks then complete faster. Each waiting check runs on a thread of its own
 * and is seen blocked before the clock moves.
 */
class AdaptiveLimitTest {
    private static final long PERIOD = TimeUnit.MILLISECONDS.toNanos(250);
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AdaptiveLimit limit = new AdaptiveLimit(4, 64, now::get);

    @Test
    void aCheckThatWaitsDoublesTheLimit() throws Exception {
        raiseFrom4To8CompletingOneCheck();
        assertThat(limit.inFlight()).isEqualTo(4);
    }

    @Test
    void aRaiseAfterWhichChecksCompleteNoFasterIsTakenBackAndHeld() throws Exception {
        raiseFrom4To8CompletingOneCheck();
        // The period after the raise: one check completes again, no faster than before it.
        advance(PERIOD);
        limit.release();
        assertThat(limit.limit()).isEqualTo(4);

        // Checks wait again within the hold: no raise.
        fill(4 - limit.inFlight());
        Thread held = waiting();
        advance(PERIOD);
        limit.release();
        held.join();
        assertThat(limit.limit()).isEqualTo(4);

        // Once the hold is over, waiting checks raise it again.
        Thread after = waiting();
        advance(AdaptiveLimit.PROBE_NANOS);
        limit.release();
        after.join();
        assertThat(limit.limit()).isEqualTo(8);
    }

    @Test
    void aRaiseAfterWhichChecksCompleteFasterStays() throws Exception {
        raiseFrom4To8CompletingOneCheck();
        // The period after the raise: eight places used and all of them completing, eight times the rate.
        fill(8 - limit.inFlight());
        for (int i = 0; i < 7; i++) {
            advance(PERIOD / 10);
            limit.release();
        }
        advance(PERIOD - 7 * (PERIOD / 10));
        limit.release();
        assertThat(limit.limit()).isGreaterThan(4);
    }

    /** Four in flight, one more waiting; a quarter second later one completes and the waiting one gets its place. */
    private void raiseFrom4To8CompletingOneCheck() throws Exception {
        fill(4);
        Thread waiter = waiting();
        advance(PERIOD);
        limit.release();
        waiter.join();
        assertThat(limit.limit()).isEqualTo(8);
    }

    private void fill(int checks) throws InterruptedException {
        for (int i = 0; i < checks; i++) {
            limit.acquire();
        }
    }

    /** A check that asks for a place and is seen waiting for one. */
    private Thread waiting() {
        int before = limit.inFlight();
        Thread thread = Thread.ofPlatform().daemon().start(() -> {
            try {
                limit.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
        assertThat(limit.inFlight()).isEqualTo(before);
        return thread;
    }

    private void advance(long nanos) {
        now.addAndGet(nanos);
    }
}
