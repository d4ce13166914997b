package io.grantwatch.atlassian;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.testing.SettableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateGateTest {
    private final SettableClock clock = new SettableClock();

    @Test
    void aPauseHoldsEveryCallerBackUntilItEnds() {
        RateGate gate = new RateGate(0, clock);
        gate.pause(Duration.ofMillis(300));
        assertThat(gate.reserve()).isEqualTo(Duration.ofMillis(300));
        clock.tick(Duration.ofMillis(200));
        assertThat(gate.reserve()).isEqualTo(Duration.ofMillis(100));
        clock.tick(Duration.ofMillis(100));
        assertThat(gate.reserve()).isZero();
        assertThat(gate.waits()).isEqualTo(2);
        assertThat(gate.signals()).isEqualTo(1);
    }

    @Test
    void aShorterPauseDoesNotCutALongerOneShort() {
        RateGate gate = new RateGate(0, clock);
        gate.pause(Duration.ofSeconds(5));
        gate.pause(Duration.ofSeconds(1));
        assertThat(gate.reserve()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theCeilingSpacesCalls() {
        RateGate gate = new RateGate(50, clock);
        for (int i = 0; i < 26; i++) {
            assertThat(gate.reserve()).isEqualTo(Duration.ofMillis(20L * i));
        }
        clock.tick(Duration.ofSeconds(1));
        assertThat(gate.reserve()).isZero();
    }

    @Test
    void acquireSleepsTheReservedWait() throws Exception {
        RateGate gate = new RateGate(0, clock);
        gate.pause(Duration.ofMillis(50));
        long start = System.nanoTime();
        gate.acquire();
        // Only a lower bound: a busy machine can make a sleep longer, never shorter.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(45));
    }

    @Test
    void withoutCeilingOrPauseNobodyWaits() {
        RateGate gate = new RateGate(0, clock);
        for (int i = 0; i < 1000; i++) {
            assertThat(gate.reserve()).isZero();
        }
        assertThat(gate.waits()).isZero();
    }
}
