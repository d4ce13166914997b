package io.grantwatch.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Grants whose tokens expire together refresh at points spread over the later half of the margin. */
class RefreshPointTest {
    private static final Duration MARGIN = Duration.ofMinutes(5);
    private final GrantChecker checker = new GrantChecker(null, null, null,
            new Config.Tokens(MARGIN, null, null), Clock.systemUTC());

    @Test
    void pointsLieWithinTheMarginAndSpreadOverItsLaterHalf() {
        List<Duration> points = new ArrayList<>();
        for (long id = 1; id <= 10_000; id++) {
            points.add(checker.refreshAhead(id, 0));
        }
        assertThat(points).allSatisfy(point -> assertThat(point).isBetween(MARGIN.dividedBy(2), MARGIN));
        // Ten buckets over the later half of the margin each hold about a tenth of the grants.
        int[] buckets = new int[10];
        points.forEach(point -> buckets[(int) Math.min(9, (point.toMillis() - MARGIN.toMillis() / 2) * 10 / (MARGIN.toMillis() / 2))]++);
        for (int bucket : buckets) {
            assertThat(bucket).isBetween(800, 1200);
        }
    }

    @Test
    void theNextTokenOfAGrantGetsAnotherPoint() {
        long moved = 0;
        for (long id = 1; id <= 1000; id++) {
            moved += checker.refreshAhead(id, 1).equals(checker.refreshAhead(id, 2)) ? 0 : 1;
        }
        assertThat(moved).isGreaterThan(990);
    }
    /**
     * A storm: 20,000 grants refreshed within one minute get tokens that expire within one minute an hour
     * later. Their next refresh points (the new token's draw) spread over more than the minute and the
     * half-margin together, and no minute holds more than about two fifths of them; hour after hour,
     * each refresh at its own point, they spread further: each token's draw is unrelated to the last
     * one's (a draw tied to it brought them back to two fifths in one minute at the fourth hour).
     */
    @Test
    void afterAStormTheNextRefreshPointsAreSpreadAndSpreadFurtherEachHour() {
        int grants = 20_000;
        Instant stormStart = Instant.parse("2026-01-05T09:00:00Z");
        Duration lifetime = Duration.ofHours(1);
        List<Instant> refreshedAt = new ArrayList<>();
        for (int i = 0; i < grants; i++) {
            refreshedAt.add(stormStart.plusMillis(60_000L * i / grants));
        }
        double previous = 1.0;
        for (int hour = 1; hour <= 6; hour++) {
            List<Instant> next = new ArrayList<>();
            for (int i = 0; i < grants; i++) {
                long id = i + 1;
                // The token version is the number of refreshes so far: one more each hour.
                next.add(GrantChecker.refreshPoint(MARGIN, id, hour, refreshedAt.get(i).plus(lifetime)));
            }
            List<Instant> sorted = new ArrayList<>(next);
            sorted.sort(null);
            Duration span = Duration.between(sorted.getFirst(), sorted.getLast());
            double busiestMinute = busiestMinute(sorted) / (double) grants;
            if (hour == 1) {
                // At most the minute and the half margin (3.5 min); a finite draw comes close to both ends.
                assertThat(span).isGreaterThan(Duration.ofMinutes(3));
                assertThat(busiestMinute).as("share of the grants due in the busiest minute").isLessThan(0.45);
            } else {
                assertThat(busiestMinute).as("hour %d", hour).isLessThanOrEqualTo(previous);
            }
            previous = busiestMinute;
            refreshedAt = next;
        }
        assertThat(previous).as("after six hours").isLessThan(0.3);
    }

    private static int busiestMinute(List<Instant> sorted) {
        int most = 0;
        for (int from = 0, to = 0; to < sorted.size(); to++) {
            while (Duration.between(sorted.get(from), sorted.get(to)).compareTo(Duration.ofMinutes(1)) > 0) {
                from++;
            }
            most = Math.max(most, to - from + 1);
        }
        return most;
    }
}
