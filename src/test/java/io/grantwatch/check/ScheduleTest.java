package io.grantwatch.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static final Duration INTERVAL = Duration.ofMinutes(5);
    private final Schedule schedule = new Schedule(INTERVAL);

    /** The golden-ratio phase that GrantDao.placeNew gives in SQL. */
    static double phase(long id) {
        return (id * 0.6180339887498949) % 1.0;
    }

    @Property
    void consecutiveWindowsCoverEachPhaseExactlyOncePerInterval(
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double phase,
            @ForAll @LongRange(min = 0, max = 4_000_000_000_000L) long startMillis,
            @ForAll @LongRange(min = 1, max = 90_000) long windowMillis) {
        // Windows of any size, back to back, across one whole interval: the phase is in exactly one of them.
        Instant start = Instant.ofEpochMilli(startMillis);
        Instant end = start.plus(INTERVAL);
        int hits = 0;
        for (Instant from = start; from.isBefore(end); from = from.plusMillis(windowMillis)) {
            Instant to = from.plusMillis(windowMillis).isAfter(end) ? end : from.plusMillis(windowMillis);
            if (schedule.phases(from, to).contains(phase)) {
                hits++;
            }
        }
        assertThat(hits).isEqualTo(1);
    }

    @Test
    void aWindowOfAWholeIntervalOrMoreCoversEveryPhase() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(schedule.phases(now, now.plus(INTERVAL)).all()).isTrue();
        assertThat(schedule.phases(now, now.plus(Duration.ofHours(3))).all()).isTrue();
        assertThat(schedule.phases(now, now.plusSeconds(1)).all()).isFalse();
    }

    @Test
    void grantsRegisteredTogetherAreSpreadEvenlyOverTheInterval() {
        int[] perMinute = new int[5];
        for (long id = 1; id <= 10_000; id++) {
            perMinute[(int) (phase(id) * 5)]++;
        }
        for (int count : perMinute) {
            assertThat(count).isBetween(1_900, 2_100);
        }
    }
}
