package io.grantwatch.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.config.Config;
import java.time.Clock;
import java.time.Duration;
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
}
