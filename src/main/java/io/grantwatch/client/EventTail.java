package io.grantwatch.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * Follows the daemon's event feed with long polls ({@code wait=}), as {@code events tail} and the
 * demo do. One thread follows; {@link #stop} may come from any other.
 */
public final class EventTail {
    private static final int PAGE = 100;

    private final DaemonClient client;
    private final Long grantId;
    private final List<String> types;
    private final Duration wait;
    private volatile boolean stopped;

    /** @param wait how long each request may wait for an event (the API allows up to PT60S) */
    public EventTail(DaemonClient client, Long grantId, List<String> types, Duration wait) {
        this.client = client;
        this.grantId = grantId;
        this.types = List.copyOf(types);
        this.wait = wait;
    }

    /**
     * Hands each event after {@code cursor}, oldest first, to {@code onEvent} until it answers
     * false, {@code until} passes (null: never), or, when {@code follow} is false, the feed is read
     * to its end. Returns the cursor after the last event handed over.
     */
    public long follow(long cursor, boolean follow, Instant until, Predicate<JsonNode> onEvent) {
        long after = cursor;
        while (!stopped && (until == null || Instant.now().isBefore(until))) {
            Duration waitNow = follow ? wait : Duration.ZERO;
            if (until != null) {
                Duration left = Duration.between(Instant.now(), until);
                waitNow = left.compareTo(waitNow) < 0 ? left : waitNow;
            }
            JsonNode page = client.get(query(after, PAGE, waitNow));
            for (JsonNode event : page.path("events")) {
                after = event.path("id").asLong();
                if (!onEvent.test(event)) {
                    return after;
                }
            }
            after = Math.max(after, page.path("nextCursor").asLong(after));
            if (!follow && page.path("events").size() < PAGE) {
                return after;
            }
        }
        return after;
    }

    /** Makes {@link #follow} return after the request in flight, from any thread. */
    public void stop() {
        stopped = true;
    }

    /** The cursor of the newest event, so that following starts "from now". */
    public long end() {
        return Cursors.newest(this::hasEventAfter);
    }

    private boolean hasEventAfter(long cursor) {
        return !client.get("/v1/events?limit=1&after=" + cursor).path("events").isEmpty();
    }

    private String query(long after, int limit, Duration waitNow) {
        StringBuilder path = new StringBuilder("/v1/events?after=").append(after).append("&limit=").append(limit);
        if (waitNow.isPositive()) {
            path.append("&wait=").append(waitNow);
        }
        if (grantId != null) {
            path.append("&grantId=").append(grantId);
        }
        types.forEach(type -> path.append("&type=").append(DaemonClient.encode(type)));
        return path.toString();
    }
}
