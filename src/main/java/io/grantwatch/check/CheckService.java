package io.grantwatch.check;

import io.grantwatch.db.GrantDao;
import io.grantwatch.db.GrantRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs checks: claims due grants a batch at a time, checks them concurrently on virtual threads,
 * and records the batch in one transaction; or checks one grant at once when asked. Thread-safe.
 */
public final class CheckService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CheckService.class);

    private final Jdbi jdbi;
    private final GrantChecker checker;
    private final CheckRecorder recorder;
    private final CheckMetrics metrics;
    private final Schedule schedule;
    private final Clock clock;
    private final int batchSize;
    private final Semaphore inFlight;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    public CheckService(Jdbi jdbi, GrantChecker checker, CheckRecorder recorder, CheckMetrics metrics, Schedule schedule,
            Clock clock, int batchSize, int concurrency) {
        this.jdbi = jdbi;
        this.checker = checker;
        this.recorder = recorder;
        this.metrics = metrics;
        this.schedule = schedule;
        this.clock = clock;
        this.batchSize = batchSize;
        this.inFlight = new Semaphore(concurrency);
    }

    /** Claims and checks batches until none is full or the budget is spent. Returns how many grants were checked. */
    public int drain(Duration budget) {
        Instant deadline = clock.instant().plus(budget);
        int total = 0;
        int claimed;
        do {
            claimed = checkDueBatch();
            total += claimed;
        } while (claimed == batchSize && clock.instant().isBefore(deadline));
        return total;
    }

    /** Claims one batch of due grants (moving each to its next slot), checks and records them. */
    public int checkDueBatch() {
        List<GrantRow> due = jdbi.inTransaction(handle -> {
            GrantDao grants = new GrantDao(handle);
            Instant now = clock.instant();
            List<GrantRow> rows = grants.lockDue(now, batchSize);
            Map<Long, Instant> next = new LinkedHashMap<>();
            rows.forEach(row -> next.put(row.id(), schedule.next(row.id(), now)));
            grants.setNextChecks(next);
            return rows;
        });
        if (!due.isEmpty()) {
            recorder.record(checkAll(due));
        }
        return due.size();
    }

    /** Checks one grant now, whatever its schedule, and records the result. Empty if the grant is unknown or deleted. */
    public Optional<GrantRow> checkNow(long grantId) {
        Optional<GrantRow> grant = jdbi.withHandle(handle -> new GrantDao(handle).find(grantId)).filter(row -> !row.deleted());
        if (grant.isEmpty()) {
            return Optional.empty();
        }
        try {
            recorder.record(List.of(checkOne(grant.get())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking grant " + grantId, e);
        }
        return jdbi.withHandle(handle -> new GrantDao(handle).find(grantId));
    }

    /** Checks one grant soon, on another thread: the first check after registration or new tokens. */
    public void checkSoon(long grantId) {
        executor.execute(() -> {
            try {
                checkNow(grantId);
            } catch (RuntimeException e) {
                // The grant keeps its slot in the schedule; the dispatchers will check it then.
                log.warn("Immediate check of grant {} failed: {}", grantId, e.toString());
            }
        });
    }

    private List<Checked> checkAll(List<GrantRow> grants) {
        List<Future<Checked>> futures = new ArrayList<>(grants.size());
        for (GrantRow grant : grants) {
            futures.add(executor.submit(() -> checkOne(grant)));
        }
        List<Checked> results = new ArrayList<>(grants.size());
        for (int i = 0; i < futures.size(); i++) {
            try {
                results.add(futures.get(i).get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                log.warn("Check of grant {} failed: {}", grants.get(i).id(), e.toString());
            }
        }
        return results;
    }

    private Checked checkOne(GrantRow grant) throws InterruptedException {
        inFlight.acquire();
        long started = System.nanoTime();
        try {
            return checker.check(grant);
        } finally {
            inFlight.release();
            metrics.timed(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    @Override
    public void close() {
        executor.close();
    }
}
