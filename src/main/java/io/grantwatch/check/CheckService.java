package io.grantwatch.check;

import io.grantwatch.db.DispatchDao;
import io.grantwatch.db.GrantDao;
import io.grantwatch.db.GrantRow;
import io.grantwatch.lifecycle.GroupCommit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs checks as a continuous flow: the dispatchers claim due grants a page at a time and hand each
 * to a virtual thread as soon as a place among the checks in flight is free ({@link AdaptiveLimit});
 * each result goes to the group commits ({@link GroupCommit}) the moment it is ready. A dispatcher
 * never waits for the slowest check of a page, so one slow answer holds back only its own grant.
 * Or it checks one grant at once when asked. Thread-safe.
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
    private final Duration maxWindow;
    /** How long a grant claimed outside its slot is left alone: should its node die, another checks it then. */
    private static final Duration CLAIM_LEASE = Duration.ofMinutes(2);
    /** The fewest checks in flight the limit falls to: enough for a quiet node, grown from at once. */
    private static final int LIMIT_FLOOR = 32;
    /** Two: one commits while the other gathers the next group. */
    private static final int COMMITTERS = 2;
    private final AdaptiveLimit limit;
    private final GroupCommit<Checked> commits;
    /** The grants handed to the flow whose results are not recorded yet; a grant is never in it twice. */
    private final Set<Long> pending = ConcurrentHashMap.newKeySet();
    private final ReentrantLock idleLock = new ReentrantLock();
    private final Condition idle = idleLock.newCondition();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    /** Drains share it; {@link #runDue} takes it alone. */
    private final ReadWriteLock runs = new ReentrantReadWriteLock();

    public CheckService(Jdbi jdbi, GrantChecker checker, CheckRecorder recorder, CheckMetrics metrics, Schedule schedule,
            Clock clock, int batchSize, int concurrency, Duration maxWindow, Duration commitDelay) {
        this.jdbi = jdbi;
        this.checker = checker;
        this.recorder = recorder;
        this.metrics = metrics;
        this.schedule = schedule;
        this.clock = clock;
        this.batchSize = batchSize;
        this.maxWindow = maxWindow;
        this.limit = new AdaptiveLimit(LIMIT_FLOOR, concurrency);
        this.commits = new GroupCommit<>("grantwatch-commit", batchSize, commitDelay, COMMITTERS, this::record);
        metrics.watchFlow(limit::inFlight, limit::limit);
    }

    /**
     * Checks what is due until nothing is, or the budget is spent: the grants waiting for a check
     * outside their slot (first checks, retries, confirmations), and window after window of the
     * regular schedule. Returns how many grants were checked.
     */
    public int drain(Duration budget) {
        Instant deadline = clock.instant().plus(budget);
        runs.readLock().lock();
        try {
            return drainWhile(() -> clock.instant().isBefore(deadline));
        } finally {
            runs.readLock().unlock();
        }
    }

    /**
     * Checks every grant due at the clock's present and returns once all of them are recorded: the
     * dispatchers' work on demand, for tests that move the clock (db-scheduler's ManualScheduler).
     * It waits for the drains in flight on this node and holds new ones back, so nothing due is still
     * being checked by them when it returns.
     */
    public int runDue() {
        runs.writeLock().lock();
        try {
            int total = 0;
            // Recording can make a grant due again at once (a retry without delay): go on until a round finds none.
            for (int round = drainWhile(() -> true); ; round = drainWhile(() -> true)) {
                awaitRecorded();
                total += round;
                if (round == 0) {
                    return total;
                }
            }
        } finally {
            runs.writeLock().unlock();
        }
    }

    private int drainWhile(BooleanSupplier goOn) {
        int total = 0;
        while (goOn.getAsBoolean()) {
            int offSchedule = checkDueBatch();
            WindowRun regular = checkNextWindow();
            total += offSchedule + regular.checked();
            if (offSchedule < batchSize && regular.caughtUp()) {
                break;
            }
        }
        return total;
    }

    /**
     * Claims one batch of grants due outside their regular slots, moving each out of the way for a
     * while (should this node die, another takes them then), checks and records them.
     */
    public int checkDueBatch() {
        List<GrantRow> due = jdbi.inTransaction(handle -> {
            GrantDao grants = new GrantDao(handle);
            Instant now = clock.instant();
            List<GrantRow> rows = grants.lockDue(now, batchSize);
            Map<Long, Instant> claimed = new LinkedHashMap<>();
            rows.forEach(row -> claimed.put(row.id(), now.plus(CLAIM_LEASE)));
            grants.setNextChecks(claimed);
            return rows;
        });
        due.forEach(this::submit);
        return due.size();
    }

    /**
     * Claims the next window of the regular schedule (at most {@code maxWindow}, never beyond now)
     * by moving the shared cursor, then checks every grant whose phase falls in it, a batch at a
     * time.
     */
    public WindowRun checkNextWindow() {
        Instant now = clock.instant();
        Instant[] window = jdbi.inTransaction(handle -> {
            DispatchDao cursor = new DispatchDao(handle);
            Instant until = cursor.checkedUntil().orElse(null);
            if (until == null) {
                // The very first start of a cluster: the schedule begins now.
                cursor.advance(null, now);
                return null;
            }
            Instant from = until.isBefore(now.minus(schedule.interval())) ? now.minus(schedule.interval()) : until;
            Instant to = from.plus(maxWindow).isBefore(now) ? from.plus(maxWindow) : now;
            if (!to.isAfter(from) || !cursor.advance(until, to)) {
                return null;
            }
            return new Instant[] {from, to};
        });
        if (window == null) {
            return new WindowRun(0, true);
        }
        Schedule.Phases phases = schedule.phases(window[0], window[1]);
        int checked = 0;
        if (phases.all() || !phases.wraps()) {
            checked += checkPhases(phases.all() ? 0 : phases.from(), phases.all() ? 1.0 : phases.to());
        } else {
            checked += checkPhases(phases.from(), 1.0);
            checked += checkPhases(0, phases.to());
        }
        return new WindowRun(checked, !window[1].isBefore(now));
    }

    /** How many grants a window held, and whether it reached the present (nothing more is due yet). */
    public record WindowRun(int checked, boolean caughtUp) {}

    private int checkPhases(double from, double to) {
        double afterPhase = -1;
        long afterId = 0;
        int checked = 0;
        while (true) {
            double keyPhase = afterPhase;
            long keyId = afterId;
            List<GrantRow> page = jdbi.withHandle(handle -> new GrantDao(handle).inPhases(from, to, keyPhase, keyId, batchSize));
            if (page.isEmpty()) {
                return checked;
            }
            page.forEach(this::submit);
            checked += page.size();
            GrantRow last = page.getLast();
            afterPhase = last.phase();
            afterId = last.id();
        }
    }

    /** Checks one grant now, whatever its schedule, and records the result. Empty if the grant is unknown or deleted. */
    public Optional<GrantRow> checkNow(long grantId) {
        return checkNow(grantId, null);
    }

    /**
     * As {@link #checkNow(long)}, after the site {@code refusedBy} (a cloudId, or null) refused the grant's
     * token on its own API: should the check find that site gone, the refusal confirms it at once.
     */
    public Optional<GrantRow> checkNow(long grantId, String refusedBy) {
        Optional<GrantRow> grant = jdbi.withHandle(handle -> new GrantDao(handle).find(grantId)).filter(row -> !row.deleted());
        if (grant.isEmpty()) {
            return Optional.empty();
        }
        try {
            recorder.record(List.of(checkOne(grant.get()).refusedBy(refusedBy)));
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

    /**
     * Starts the check of one claimed grant as soon as a place is free, and returns without waiting for
     * it; its result is recorded by the next group commit. A grant whose previous check is still in
     * flight here (a hanging answer) is not checked twice: that check is the one of this slot too.
     */
    private void submit(GrantRow grant) {
        if (!pending.add(grant.id())) {
            return;
        }
        try {
            limit.acquire();
        } catch (InterruptedException e) {
            recorded(grant.id());
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to check grant " + grant.id(), e);
        }
        executor.execute(() -> {
            Checked result = null;
            try {
                result = timed(grant);
            } catch (RuntimeException e) {
                log.warn("Check of grant {} failed: {}", grant.id(), e.toString());
            } finally {
                limit.release();
            }
            if (result != null) {
                commits.add(result);
            } else {
                recorded(grant.id());
            }
        });
    }

    /** One group commit's write: the results, then the grants they free, whether or not recording succeeded. */
    private void record(List<Checked> results) {
        try {
            recorder.record(results);
        } catch (RuntimeException e) {
            // The grants keep their slots: their next regular check records them then.
            log.warn("Recording {} check results failed: {}", results.size(), e.toString());
        } finally {
            results.forEach(result -> recorded(result.grantId()));
        }
    }

    /** One grant's result is recorded (or given up): it leaves the flow. */
    private void recorded(long grantId) {
        pending.remove(grantId);
        if (pending.isEmpty()) {
            idleLock.lock();
            try {
                idle.signalAll();
            } finally {
                idleLock.unlock();
            }
        }
    }

    /** Waits until every grant handed to the flow so far has its result recorded. */
    private void awaitRecorded() {
        idleLock.lock();
        try {
            while (!pending.isEmpty()) {
                idle.await(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            idleLock.unlock();
        }
    }

    private Checked checkOne(GrantRow grant) throws InterruptedException {
        limit.acquire();
        try {
            return timed(grant);
        } finally {
            limit.release();
        }
    }

    private Checked timed(GrantRow grant) {
        long started = System.nanoTime();
        try {
            return checker.check(grant);
        } finally {
            metrics.timed(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** Lets the checks in flight finish and their results be recorded, then stops. */
    @Override
    public void close() {
        awaitRecorded();
        executor.close();
        commits.close();
    }
}
