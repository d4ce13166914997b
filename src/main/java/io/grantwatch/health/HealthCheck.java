package io.grantwatch.health;

import io.grantwatch.db.DispatchDao;
import io.grantwatch.db.GrantDao;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Readiness, as {@code GET /health} reports it: the database answers, the scheduler runs, and how
 * far behind schedule the checks are. A probe has a time limit, so that a hanging database makes
 * the answer DOWN rather than late. Thread-safe.
 */
public final class HealthCheck {
    /** Below the usual probe timeouts (Docker's 5 s, Kubernetes' 1 s default is for liveness). */
    private static final Duration PROBE_LIMIT = Duration.ofSeconds(2);

    private final Jdbi jdbi;
    private final BooleanSupplier databaseUp;
    private final BooleanSupplier schedulerRunning;
    private final Clock clock;
    private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();

    public HealthCheck(Jdbi jdbi, BooleanSupplier databaseUp, BooleanSupplier schedulerRunning, Clock clock) {
        this.jdbi = jdbi;
        this.databaseUp = databaseUp;
        this.schedulerRunning = schedulerRunning;
        this.clock = clock;
    }

    /** @param checks {@code database} and {@code scheduler} as UP or DOWN, {@code lagSeconds} (null when unknown) */
    public record Report(boolean up, Map<String, Object> checks) {
        public Map<String, Object> body() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", up ? "UP" : "DOWN");
            body.put("checks", checks);
            return body;
        }
    }

    public Report report() {
        boolean database = probe(databaseUp::getAsBoolean, false);
        boolean scheduler = schedulerRunning.getAsBoolean();
        Long lag = database ? probe(this::lagSeconds, null) : null;
        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("database", database ? "UP" : "DOWN");
        checks.put("scheduler", scheduler ? "UP" : "DOWN");
        checks.put("lagSeconds", lag);
        return new Report(database && scheduler, checks);
    }

    /** How long the grant that has waited longest for its check has been due; 0 when none is. */
    private long lagSeconds() {
        Instant now = clock.instant();
        // Behind on the regular slots (the shared cursor lags) or on checks outside them (retries, first checks).
        return jdbi.withHandle(handle -> {
            long regular = new DispatchDao(handle).checkedUntil()
                    .map(until -> Math.max(0, Duration.between(until, now).toSeconds()))
                    .orElse(0L);
            long offSchedule = new GrantDao(handle).oldestDue(now)
                    .map(oldest -> Math.max(0, Duration.between(oldest, now).toSeconds()))
                    .orElse(0L);
            return Math.max(regular, offSchedule);
        });
    }

    private <T> T probe(java.util.concurrent.Callable<T> probe, T failed) {
        Future<T> answer = probes.submit(probe);
        try {
            return answer.get(PROBE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            answer.cancel(true);
            return failed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed;
        }
    }
}
