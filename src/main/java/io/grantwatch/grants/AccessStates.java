package io.grantwatch.grants;

import io.grantwatch.core.GrantStatus;
import io.grantwatch.events.EventFeed;
import io.grantwatch.events.EventView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest state of each grant as the preflight and the proxy need it, in memory, so that neither
 * reads the database on every call. A grant is read once and kept; any event of the grant drops it,
 * and the next call reads it again. The events come from the feed, which this node tails: its own
 * commits wake the tail at once, another node's are found within the feed's poll (half a second).
 * Changes that make no event (the time of the last confirmation, a deletion on another node) are
 * picked up by reading each grant again after {@link #MAX_AGE}. A grant not checked yet is never kept.
 * While the feed cannot be read, nothing is kept. Thread-safe.
 */
public final class AccessStates implements AutoCloseable {
    /** How long a grant's state is kept at most, events or not. */
    public static final Duration MAX_AGE = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(AccessStates.class);

    private final EventFeed feed;
    private final Counter loads;
    private final ConcurrentMap<Long, Entry> states = new ConcurrentHashMap<>();
    /** Moves before every drop, so that a read which overlapped one is not kept. */
    private final AtomicLong drops = new AtomicLong();
    private volatile boolean tailing;
    private volatile boolean running;
    private volatile Thread tail;

    private record Entry(GrantView grant, long readAtNanos) {}

    public AccessStates(EventFeed feed, MeterRegistry metrics) {
        this.feed = feed;
        this.loads = Counter.builder("grantwatch.access.state.reads")
                .description("Grant states read from the database for the preflight and the proxy (the rest come from memory)")
                .register(metrics);
    }

    /** Starts tailing the feed from its end; states are kept from then on. */
    public void start() {
        long cursor = feed.lastId();
        tailing = true;
        running = true;
        tail = Thread.ofVirtual().name("access-states").start(() -> follow(cursor));
    }

    /** The grant's state, from memory when it is there and fresh, else read with {@code read} (which may throw). */
    GrantView get(long grantId, LongFunction<GrantView> read) {
        Entry entry = states.get(grantId);
        if (entry != null && System.nanoTime() - entry.readAtNanos() < MAX_AGE.toNanos()) {
            return entry.grant();
        }
        long seen = drops.get();
        loads.increment();
        GrantView grant = read.apply(grantId);
        if (tailing && grant.status() != GrantStatus.PENDING) {
            Entry fresh = new Entry(grant, System.nanoTime());
            states.put(grantId, fresh);
            if (drops.get() != seen) {
                states.remove(grantId, fresh);
            }
        }
        return grant;
    }

    /** Forgets the grant's state: it changed (or may have). */
    public void drop(long grantId) {
        drops.incrementAndGet();
        states.remove(grantId);
    }

    private void follow(long from) {
        long cursor = from;
        while (running) {
            try {
                EventFeed.Page page = feed.read(cursor, 1000, null, List.of(), Duration.ofSeconds(30));
                for (EventView event : page.events()) {
                    drop(event.grantId());
                }
                cursor = page.nextCursor();
                if (!tailing) {
                    log.info("Reading the event feed again: grant states are kept in memory again");
                    tailing = true;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // Events may be missed while the feed cannot be read: keep nothing until it can again.
                if (tailing) {
                    log.warn("Cannot read the event feed ({}): grant states are read from the database until it can",
                            e.getClass().getSimpleName());
                }
                tailing = false;
                drops.incrementAndGet();
                states.clear();
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        tailing = false;
        Thread thread = tail;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
