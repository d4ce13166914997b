package io.grantwatch.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static final Duration INTERVAL = Duration.ofMinutes(5);
    private final Schedule schedule = new Schedule(INTERVAL);

    @Property
    void theNextCheckIsBetweenHalfAndOneAndAHalfIntervalsAway(
            @ForAll @LongRange(min = 1, max = 10_000_000) long grantId,
            @ForAll @LongRange(min = 0, max = 4_000_000_000_000L) long nowMillis) {
        Instant now = Instant.ofEpochMilli(nowMillis);
        Duration wait = Duration.between(now, schedule.next(grantId, now));
        assertThat(wait).isBetween(INTERVAL.dividedBy(2), INTERVAL.multipliedBy(3).dividedBy(2));
    }

    @Property
    void aGrantCheckedOnTimeIsCheckedExactlyOneIntervalLater(@ForAll @LongRange(min = 1, max = 10_000_000) long grantId) {
        Instant first = schedule.next(grantId, Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(schedule.next(grantId, first)).isEqualTo(first.plus(INTERVAL));
    }

    @Test
    void grantsRegisteredTogetherAreSpreadEvenlyOverTheInterval() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        int[] perMinute = new int[5];
        for (long id = 1; id <= 10_000; id++) {
            long offset = Duration.between(now, schedule.next(id, now)).toMillis() % INTERVAL.toMillis();
            perMinute[(int) (offset / 60_000)]++;
        }
        for (int count : perMinute) {
            assertThat(count).isBetween(1_900, 2_100);
        }
    }
}
