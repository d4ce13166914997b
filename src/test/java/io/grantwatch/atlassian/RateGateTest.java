package io.grantwatch.atlassian;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Only lower bounds on time: a busy machine can make a wait longer, never shorter. */
class RateGateTest {
    @Test
    void aPauseHoldsEveryCallerBack() throws Exception {
        RateGate gate = RateGate.unlimited();
        gate.pause(Duration.ofMillis(300));
        long start = System.nanoTime();
        gate.acquire();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
        assertThat(gate.waits()).isEqualTo(1);
        assertThat(gate.signals()).isEqualTo(1);
    }

    @Test
    void theCeilingSpacesCalls() throws Exception {
        RateGate gate = new RateGate(50);
        long start = System.nanoTime();
        for (int i = 0; i < 26; i++) {
            gate.acquire();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(480));
    }

    @Test
    void withoutCeilingOrPauseNobodyWaits() throws Exception {
        RateGate gate = RateGate.unlimited();
        for (int i = 0; i < 1000; i++) {
            gate.acquire();
        }
        assertThat(gate.waits()).isZero();
    }
}
