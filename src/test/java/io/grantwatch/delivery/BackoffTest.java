package io.grantwatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(10),
            bound -> ThreadLocalRandom.current().nextLong(bound));

    @Test
    void theCeilingDoublesFromTheInitialDelayUpToTheCap() {
        assertThat(backoff.ceilingMillis(1)).isEqualTo(1_000);
        assertThat(backoff.ceilingMillis(2)).isEqualTo(2_000);
        assertThat(backoff.ceilingMillis(5)).isEqualTo(16_000);
        assertThat(backoff.ceilingMillis(10)).isEqualTo(512_000);
        assertThat(backoff.ceilingMillis(11)).isEqualTo(600_000);
        assertThat(backoff.ceilingMillis(1_000_000)).isEqualTo(600_000);
    }

    @Test
    void fullJitterSpreadsDelaysFromZeroToTheCeiling() {
        Backoff lowest = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(10), bound -> 0);
        Backoff highest = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(10), bound -> bound - 1);
        assertThat(lowest.after(3)).isEqualTo(Duration.ZERO);
        assertThat(highest.after(3)).isEqualTo(Duration.ofSeconds(4));
        for (int i = 0; i < 1000; i++) {
            assertThat(backoff.after(1)).isBetween(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
