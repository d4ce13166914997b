package io.grantwatch.client;

import java.util.function.LongPredicate;

/** Cursors of the API's feeds (events, audit), whose ids only grow. */
final class Cursors {
    private Cursors() {}

    /**
     * The cursor of the newest entry, so that following starts "from now". The API has no such
     * call; the first cursor after which a feed is empty is found by doubling and bisection:
     * about 2·log2(newest id) tiny requests.
     */
    static long newest(LongPredicate hasEntryAfter) {
        long low = 0;
        long high = 1;
        while (hasEntryAfter.test(high)) {
            low = high;
            high *= 2;
        }
        // Invariant: an entry exists after low (or low is 0), none after high.
        while (high - low > 1) {
            long middle = low + (high - low) / 2;
            if (hasEntryAfter.test(middle)) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return hasEntryAfter.test(low) ? high : low;
    }
}
