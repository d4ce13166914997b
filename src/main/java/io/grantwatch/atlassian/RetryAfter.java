package io.grantwatch.atlassian;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * How long a rate-limited answer asks us to wait. {@code Retry-After} (seconds or an HTTP date) wins
 * over {@code X-RateLimit-Reset} (an ISO-8601 instant, or epoch seconds); the {@code Beta-} variants
 * count as well. Pure.
 */
final class RetryAfter {
    private static final List<String> RETRY_AFTER = List.of("Retry-After", "Beta-Retry-After");
    private static final List<String> RESET = List.of("X-RateLimit-Reset", "Beta-X-RateLimit-Reset", "X-Beta-RateLimit-Reset");
    // Below this a "reset" cannot be an epoch (it would be 1970); such values are seconds from now.
    private static final long SMALLEST_EPOCH_SECOND = 1_000_000_000L;

    private RetryAfter() {}

    /** The wait asked for, never negative, or null when no header says it. */
    static Duration from(Map<String, List<String>> headers, Instant now) {
        for (String name : RETRY_AFTER) {
            Duration wait = retryAfter(Headers.first(headers, name), now);
            if (wait != null) {
                return wait;
            }
        }
        for (String name : RESET) {
            Duration wait = untilReset(Headers.first(headers, name), now);
            if (wait != null) {
                return wait;
            }
        }
        return null;
    }

    private static Duration retryAfter(String value, Instant now) {
        if (value == null) {
            return null;
        }
        if (isSeconds(value)) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        try {
            return until(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant(), now);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration untilReset(String value, Instant now) {
        if (value == null) {
            return null;
        }
        if (isSeconds(value)) {
            long seconds = Long.parseLong(value);
            return seconds < SMALLEST_EPOCH_SECOND ? Duration.ofSeconds(seconds) : until(Instant.ofEpochSecond(seconds), now);
        }
        try {
            // ISO_OFFSET_DATE_TIME, unlike Instant.parse, accepts Atlassian's minute precision (2024-05-01T10:15Z).
            return until(OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant(), now);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean isSeconds(String value) {
        return !value.isEmpty() && value.length() <= 12 && value.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static Duration until(Instant then, Instant now) {
        Duration wait = Duration.between(now, then);
        return wait.isNegative() ? Duration.ZERO : wait;
    }
}
