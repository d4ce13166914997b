package io.grantwatch.events;

import io.grantwatch.db.EventDao;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Reads the feed, oldest first after a cursor, and can hold a read open until an event exists.
 * Events written on this node wake waiting readers at once (through the {@link EventSignal});
 * events from other nodes are found by polling the table every {@code pollEvery}. Thread-safe.
 */
public final class EventFeed {
    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration pollEvery;
    private final EventSignal newEvents;

    public EventFeed(Jdbi jdbi, Clock clock, Duration pollEvery, EventSignal newEvents) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.pollEvery = pollEvery;
        this.newEvents = newEvents;
    }

    public record Page(List<EventView> events, long nextCursor) {}

    public Page read(long after, int limit, Long grantId, List<String> types, Duration wait) throws InterruptedException {
        Instant deadline = clock.instant().plus(wait);
        while (true) {
            // Taken before the read: an event committed after the read moves it, and the wait below returns at once.
            long seen = newEvents.generation();
            List<EventView> events = jdbi.withHandle(handle -> new EventDao(handle).after(after, limit, grantId, types))
                    .stream().map(EventView::of).toList();
            Duration left = Duration.between(clock.instant(), deadline);
            if (!events.isEmpty() || left.isNegative() || left.isZero()) {
                return new Page(events, events.isEmpty() ? after : events.getLast().id());
            }
            newEvents.await(seen, left.compareTo(pollEvery) < 0 ? left : pollEvery);
        }
    }

    /** The cursor after the newest event. */
    public long lastId() {
        return jdbi.withHandle(handle -> new EventDao(handle).lastId());
    }

    /** Called after a transaction that wrote events has committed on this node. */
    public void wake() {
        newEvents.fire();
    }
}
