package io.grantwatch.audit;

import io.grantwatch.db.AuditDao;
import io.grantwatch.db.AuditRow;
import io.grantwatch.lifecycle.GroupCommit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit of who was handed a token or made a proxied call: an entry per attempt, refused ones
 * too, with the key's name, never a token. Entries older than the retention are removed in batches,
 * so that no purge holds a long transaction. Thread-safe.
 */
public final class AuditService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditService.class);
    /** The action of {@code GET /v1/grants/{id}/token}. */
    public static final String TOKEN = "token";
    /** The label of entries made by a caller without a key we know. */
    static final String NO_KEY = "(none)";
    static final int MAX_ACTION_LENGTH = 2000;
    private static final Duration PURGE_EVERY = Duration.ofHours(1);

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration retention;
    private final int purgeBatch;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /** Entries recorded at the same time share a transaction: the sequence lock would otherwise take them one by one. */
    private final JoinedWrite<AuditDao.NewEntry> commits;
    /**
     * The entries of {@link #recordLater}, written a group per transaction (up to {@link #LATER_GROUP}
     * entries, or what {@link #LATER_DELAY} gathers); closing writes what is queued.
     */
    private final GroupCommit<AuditDao.NewEntry> later;
    static final int LATER_GROUP = 1000;
    static final Duration LATER_DELAY = Duration.ofMillis(20);
    private ScheduledExecutorService purger;

    /** @param keyNames the configured keys, whose counters exist from the start at 0 */
    public AuditService(Jdbi jdbi, MeterRegistry registry, Clock clock, Duration retention, int purgeBatch,
            List<String> keyNames) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.clock = clock;
        this.retention = retention;
        this.purgeBatch = purgeBatch;
        this.commits = new JoinedWrite<>(entries -> jdbi.useTransaction(handle -> new AuditDao(handle).append(entries)));
        this.later = new GroupCommit<>("grantwatch-audit", LATER_GROUP, LATER_DELAY, 1, this::writeLater);
        for (String key : keyNames) {
            for (String outcome : List.of("ok", "refused")) {
                counter("grantwatch.token.handouts", key, outcome);
                counter("grantwatch.proxied.calls", key, outcome);
            }
        }
    }

    /** The action of a proxied call: {@code proxy <METHOD> <product> <cloudId> <path>}, the path without its query. */
    public static String proxyAction(String method, String product, String cloudId, String path) {
        String plainPath = path == null ? "" : path.split("\\?", 2)[0];
        return "proxy " + method.toUpperCase(Locale.ROOT) + " " + product + " " + cloudId + " " + plainPath;
    }

    /**
     * Records one attempt; the hook for every caller that hands out a token or uses one on a
     * caller's behalf. Throws when the database cannot take it, so that nothing audited happens
     * unrecorded.
     *
     * @param keyName the caller's key name, null when it had none we know
     * @param grantId null when the request named no readable grant id
     * @param status the HTTP status the caller gets
     */
    public void record(String keyName, Long grantId, String action, int status) {
        commits.submit(entry(keyName, grantId, action, status));
        count(keyName, action, status);
    }

    /**
     * Records an attempt whose answer has gone out already (a proxied call, streamed), without
     * holding its request until the commit: the next request on the caller's connection does not
     * wait for it. The entries of up to {@link #LATER_DELAY} share a transaction; a group that
     * cannot be written is logged. Closing the service writes the entries on their way.
     */
    public void recordLater(String keyName, Long grantId, String action, int status) {
        later.add(entry(keyName, grantId, action, status));
        count(keyName, action, status);
    }

    private void writeLater(List<AuditDao.NewEntry> entries) {
        try {
            jdbi.useTransaction(handle -> new AuditDao(handle).append(entries));
        } catch (RuntimeException e) {
            log.warn("Audit: {} entries could not be recorded ({}), the first: {}", entries.size(), e.getClass().getSimpleName(),
                    entries.getFirst().action().length() > 200 ? entries.getFirst().action().substring(0, 200) : entries.getFirst().action());
        }
    }

    private AuditDao.NewEntry entry(String keyName, Long grantId, String action, int status) {
        String kept = action.length() > MAX_ACTION_LENGTH ? action.substring(0, MAX_ACTION_LENGTH) : action;
        return new AuditDao.NewEntry(clock.instant(), keyName, grantId, kept, status);
    }

    private void count(String keyName, String action, int status) {
        String meter = action.startsWith("proxy ") ? "grantwatch.proxied.calls" : "grantwatch.token.handouts";
        counter(meter, keyName == null ? NO_KEY : keyName, status < 400 ? "ok" : "refused").increment();
    }

    /** A page of the audit, oldest first after the cursor. */
    public record Page(List<AuditEntry> entries, long nextCursor) {}

    public Page read(long after, int limit, Long grantId) {
        List<AuditRow> rows = jdbi.withHandle(handle -> new AuditDao(handle).after(after, limit, grantId));
        return new Page(rows.stream().map(AuditEntry::of).toList(), rows.isEmpty() ? after : rows.getLast().id());
    }

    /** Removes every entry older than the retention, a batch per transaction; answers how many went. */
    public int purge() {
        Instant cutoff = clock.instant().minus(retention);
        int removed = 0;
        int batch;
        do {
            batch = jdbi.inTransaction(handle -> new AuditDao(handle).deleteOlderThan(cutoff, purgeBatch));
            removed += batch;
        } while (batch == purgeBatch);
        return removed;
    }

    /** Purges now and then every hour, on a thread of its own. */
    public synchronized void start() {
        if (purger != null) {
            return;
        }
        purger = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "grantwatch-audit-purge");
            thread.setDaemon(true);
            return thread;
        });
        purger.scheduleWithFixedDelay(this::purgeLogged, 0, PURGE_EVERY.toSeconds(), TimeUnit.SECONDS);
    }

    private void purgeLogged() {
        try {
            int removed = purge();
            if (removed > 0) {
                log.info("Audit: removed {} entries older than {}", removed, retention);
            }
        } catch (RuntimeException e) {
            log.warn("Audit: removing old entries failed ({}); trying again in {}", e.getClass().getSimpleName(), PURGE_EVERY);
        }
    }

    @Override
    public synchronized void close() {
        if (purger != null) {
            purger.shutdownNow();
            purger = null;
        }
        later.close();
    }

    private Counter counter(String name, String key, String outcome) {
        return counters.computeIfAbsent(name + "\n" + key + "\n" + outcome, ignored -> Counter.builder(name)
                .description(name.endsWith("handouts") ? "Token hand-outs asked for, by API key name and outcome"
                        : "Proxied site API calls, by API key name and outcome")
                .tag("key", key)
                .tag("outcome", outcome)
                .register(registry));
    }
}
