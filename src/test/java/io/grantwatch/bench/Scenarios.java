package io.grantwatch.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Application;
import io.grantwatch.Json;
import io.grantwatch.check.GrantChecker;
import io.grantwatch.config.ConfigLoader;
import io.grantwatch.db.GrantDao;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The benchmark's other scenarios, each with grantwatch's shipped defaults (only the interval and the
 * database are set): {@code tail} (capacity with and without a tail of slow answers, and the rate
 * sustained at a given demand with the tail, with lag and checks in flight), {@code import} (grants a
 * second through {@code POST /v1/grants/import}) and {@code h2size} (the H2 data folder over a run with
 * nothing changing) and {@code storm} (every grant's token falls due for a refresh within one minute).
 * Prints figures; asserts nothing.
 */
final class Scenarios {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private final Benchmark options;

    Scenarios(Benchmark options) {
        this.options = options;
    }

    record Row(String database, String what, int grants, double demand, double checksPerSecond, double lagMax,
            double inFlightMean, double cpuPer1000, double machineCpuPer1000, String note) {}

    void tail() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String database : options.databases) {
            if (!options.standInCapacityOnly) {
                rows.add(run(database, "capacity, no tail", 10_000, null, false));
            }
            if (options.standIn != null) {
                try (NginxStandIn nginx = NginxStandIn.start(options.standIn)) {
                    rows.add(run(database, "capacity, no tail, nginx stand-in", 10_000, null, false,
                            Map.of("GRANTWATCH_ATLASSIAN_APIBASEURL", nginx.baseUrl().toString())));
                }
            }
            if (!options.standInCapacityOnly) {
                rows.add(run(database, "capacity, tail", 10_000, null, true));
            }
            for (int demand : options.demands) {
                rows.add(run(database, "demand " + demand + "/s, tail", demand * (int) options.demandInterval.toSeconds(),
                        options.demandInterval, true));
            }
        }
        System.out.println();
        System.out.println("| database | run | grants | demand/s | checks/s | share of demand | lag max s | in flight (mean) | CPU s / 1000 checks |"
                + " machine CPU s / 1000 checks |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        rows.forEach(row -> System.out.println(format(row)));
    }

    private static String format(Row r) {
        return String.format(Locale.ROOT, "| %s | %s | %,d | %s | %,.0f | %s | %.0f | %s | %.2f | %.2f |", r.database, r.what, r.grants,
                Double.isNaN(r.demand) ? "flat out" : String.format(Locale.ROOT, "%,.0f", r.demand), r.checksPerSecond,
                Double.isNaN(r.demand) ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * r.checksPerSecond / r.demand), r.lagMax,
                Double.isNaN(r.inFlightMean) ? "n/a" : String.format(Locale.ROOT, "%.0f", r.inFlightMean), r.cpuPer1000,
                r.machineCpuPer1000);
    }

    private static final String[] POSTGRES_COUNTERS =
            {"xact_commit", "tup_returned", "tup_fetched", "tup_inserted", "tup_updated", "tup_deleted", "blks_hit"};

    /** PostgreSQL's own counts for the benchmark's database (pg_stat_database), or null on H2. */
    private static long[] postgresCounters(Application app) {
        if (!app.database().isPostgres()) {
            return null;
        }
        return app.database().jdbi().withHandle(handle -> handle.createQuery("SELECT " + String.join(", ", POSTGRES_COUNTERS)
                + " FROM pg_stat_database WHERE datname = current_database()").map((rs, ctx) -> {
                    long[] counts = new long[POSTGRES_COUNTERS.length];
                    for (int i = 0; i < counts.length; i++) {
                        counts[i] = rs.getLong(i + 1);
                    }
                    return counts;
                }).one());
    }

    private static final String[] TABLE_COUNTERS = {"n_tup_upd", "n_tup_hot_upd", "seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch"};

    /** pg_stat_user_tables for the benchmark's database, by table, or null on H2. */
    private static Map<String, long[]> postgresTables(Application app) {
        if (!app.database().isPostgres()) {
            return null;
        }
        Map<String, long[]> tables = new java.util.TreeMap<>();
        app.database().jdbi().useHandle(handle -> handle.createQuery("SELECT relname, " + String.join(", ", TABLE_COUNTERS)
                + " FROM pg_stat_user_tables").map((rs, ctx) -> {
                    long[] counts = new long[TABLE_COUNTERS.length];
                    for (int i = 0; i < counts.length; i++) {
                        counts[i] = rs.getLong(i + 2);
                    }
                    return Map.entry(rs.getString(1), counts);
                }).forEach(e -> tables.put(e.getKey(), e.getValue())));
        return tables;
    }

    /** The tables the database worked on over the measured span, per 1,000 checks. */
    private static void printPostgresTables(Map<String, long[]> before, Map<String, long[]> after, double checks) {
        if (before == null || after == null || checks <= 0) {
            return;
        }
        after.forEach((table, counts) -> {
            long[] was = before.getOrDefault(table, new long[counts.length]);
            StringBuilder line = new StringBuilder();
            long total = 0;
            for (int i = 0; i < counts.length; i++) {
                total += counts[i] - was[i];
                line.append(String.format(Locale.ROOT, " %s %,.0f", TABLE_COUNTERS[i], (counts[i] - was[i]) / checks * 1000));
            }
            if (total > 0) {
                System.out.println("  postgres table " + table + " per 1,000 checks:" + line);
            }
        });
    }

    /** What the database did per 1,000 checks over the measured span: where a design's database work differs. */
    private static void printPostgresWork(long[] before, long[] after, double checks) {
        if (before == null || after == null || checks <= 0) {
            return;
        }
        StringBuilder line = new StringBuilder("  postgres per 1,000 checks:");
        for (int i = 0; i < POSTGRES_COUNTERS.length; i++) {
            line.append(String.format(Locale.ROOT, " %s %,.0f", POSTGRES_COUNTERS[i], (after[i] - before[i]) / checks * 1000));
        }
        System.out.println(line);
    }

    /**
     * CPU seconds the whole machine has spent busy (Linux's /proc/stat: user, nice, system, irq, softirq,
     * steal), so that PostgreSQL's and the stand-in's share of a check count too; NaN elsewhere.
     */
    static double machineBusySeconds() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            for (int field : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(cpu[field]);
            }
            return busy / 100.0; // USER_HZ, 100 on every Linux this runs on
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** One run: {@code interval} null means flat out (every grant always due: the rate is the capacity). */
    private Row run(String database, String what, int grants, Duration interval, boolean tail) throws Exception {
        return run(database, what, grants, interval, tail, Map.of());
    }

    /** @param extra environment for grantwatch on top of the setup's (the stand-in's URL) */
    private Row run(String database, String what, int grants, Duration interval, boolean tail, Map<String, String> extra)
            throws Exception {
        try (Setup setup = new Setup(database, grants, tail)) {
            Duration pollEvery = interval != null ? interval : Duration.ofMillis(Math.max(2000, grants / 20));
            try (Application app = setup.start(pollEvery, extra)) {
                setup.load(app);
                Counter valid = app.metrics().counter("grantwatch.checks", "outcome", "valid");
                warmUp(app, valid, grants, pollEvery.multipliedBy(3).plusSeconds(30));
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                double checks0 = valid.count() + failed(app);
                double valid0 = valid.count();
                long cpu0 = os.getProcessCpuTime();
                double machine0 = machineBusySeconds();
                long[] pg0 = postgresCounters(app);
                Map<String, long[]> tables0 = postgresTables(app);
                long start = System.nanoTime();
                double lagMax = 0;
                double inFlight = 0;
                int samples = 0;
                Gauge gauge = app.metrics().find("grantwatch.checks.inflight").gauge();
                while (System.nanoTime() - start < options.measure.toNanos()) {
                    Thread.sleep(1000);
                    lagMax = Math.max(lagMax, lag(app));
                    inFlight += gauge == null ? Double.NaN : gauge.value();
                    samples++;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double checks = valid.count() + failed(app) - checks0;
                double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
                double machine = machineBusySeconds() - machine0;
                System.out.printf(Locale.ROOT, "  postgres run outcomes: %,.0f valid, %,.0f transient%n", valid.count() - valid0,
                        checks - (valid.count() - valid0));
                app.database().jdbi().useHandle(handle -> handle.createQuery("SELECT COALESCE(last_error, '-') || ' ' || status, COUNT(*)"
                        + " FROM grants GROUP BY 1 ORDER BY 2 DESC LIMIT 3").map((rs, ctx) -> rs.getString(1) + ": " + rs.getLong(2))
                        .forEach(line -> System.out.println("  postgres grants: " + line)));
                printPostgresWork(pg0, postgresCounters(app), checks);
                printPostgresTables(tables0, postgresTables(app), checks);
                Row row = new Row(database, what, grants, interval == null ? Double.NaN : grants / (double) interval.toSeconds(),
                        checks / seconds, lagMax, inFlight / samples, cpu / checks * 1000, machine / checks * 1000, "");
                System.out.println(format(row));
                return row;
            }
        }
    }

    /**
     * Until every grant has had its first check and then one more round of checks has been made (the
     * flow's steady state, not its start), or {@code atMost} has passed: a slow run is measured all the
     * same, from wherever it got to.
     */
    private static void warmUp(Application app, Counter valid, int grants, Duration atMost) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> app.grants().countPending() == 0);
            double firstRound = valid.count() + failed(app);
            await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> valid.count() + failed(app) - firstRound >= grants);
        } catch (ConditionTimeoutException e) {
            System.out.printf(Locale.ROOT, "  (warm-up not complete after %s: measuring from here)%n", atMost);
        }
    }

    private static double failed(Application app) {
        return app.metrics().counter("grantwatch.checks", "outcome", "transient").count();
    }

    private static double lag(Application app) {
        JsonNode health = get(app, "/health");
        return health == null ? Double.NaN : health.path("checks").path("lagSeconds").asDouble(Double.NaN);
    }

    /** 100,000 grants through POST /v1/grants/import, 10,000 a request, on each database. */
    void importRate() throws Exception {
        for (String database : options.databases) {
            try (Setup setup = new Setup(database, 0, false)) {
                try (Application app = setup.start(Duration.ofHours(1), Map.of())) {
                    HttpClient http = HttpClient.newHttpClient();
                    List<byte[]> bodies = new ArrayList<>();
                    for (int request = 0; request < 10; request++) {
                        List<Map<String, Object>> items = new ArrayList<>();
                        for (int i = 0; i < 10_000; i++) {
                            items.add(Map.of("accessToken", "bench-at-" + request + "-" + i + "-" + UUID.randomUUID(),
                                    "refreshToken", "bench-rt-" + UUID.randomUUID(), "expiresIn", 3600,
                                    "externalId", "bench-" + request + "-" + i));
                        }
                        bodies.add(Json.MAPPER.writeValueAsBytes(Map.of("grants", items)));
                    }
                    long start = System.nanoTime();
                    int imported = 0;
                    for (byte[] body : bodies) {
                        long requestStart = System.nanoTime();
                        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base(app) + "/v1/grants/import"))
                                .header("Authorization", "Bearer bench").header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() != 200) {
                            System.out.println("| " + database + " | import | HTTP " + answer.statusCode() + ": not available |");
                            break;
                        }
                        imported += Json.MAPPER.readTree(answer.body()).get("imported").asInt();
                        System.out.printf(Locale.ROOT, "  import request of 10,000: %.2f s%n", (System.nanoTime() - requestStart) / 1e9);
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "| %s | import | %,d grants in %.1f s | %,.0f grants/s |%n", database, imported,
                            seconds, imported / seconds);
                }
            }
        }
    }

    /**
     * A refresh storm: {@code --storm-grants} grants (20,000) imported with refresh tokens and checked every
     * 30 s, accessible-resources answering in 20 ms and the token endpoint in {@code --refresh-latency}
     * (150 ms). Once the flow is steady, every grant's access token is set to fall due for a refresh
     * within the same minute (its expiry is its due point, spread evenly over the minute, plus its drawn
     * point ahead of expiry). Prints, every 5 s, the grants refreshed, the checks a second against demand,
     * the lag and the pool; at the end, how long after the last grant fell due every grant was refreshed
     * (target: within two intervals), the check rate held over those two minutes, and when the refreshed
     * grants fall due next (the storm must not come back as one minute an hour later).
     */
    void storm() throws Exception {
        int count = options.stormGrants;
        Duration interval = Duration.ofSeconds(30);
        Duration dueWithin = Duration.ofMinutes(1);
        Duration margin = new io.grantwatch.config.Config.Tokens(null, null, null).refreshMargin();
        double demand = count / (double) interval.toSeconds();
        for (String database : options.databases) {
            try (Setup setup = new Setup(database, count, false)) {
                setup.simulator.setRefreshLatency(options.refreshLatency);
                Map<String, String> app = Map.of("GRANTWATCH_ATLASSIAN_CLIENTID", setup.simulator.clientId(),
                        "GRANTWATCH_ATLASSIAN_CLIENTSECRET", setup.simulator.clientSecret());
                try (Application grantwatch = setup.start(interval, app)) {
                    long importStart = System.nanoTime();
                    int imported = importWithRefreshTokens(grantwatch, setup.grants);
                    System.out.printf(Locale.ROOT, "  storm (%s): %,d grants imported in %.1f s; token endpoint %d ms, "
                                    + "accessible-resources 20 ms, interval %s, refresh margin %s, pool %d%n", database, imported,
                            (System.nanoTime() - importStart) / 1e9, options.refreshLatency.toMillis(), interval, margin,
                            ((HikariDataSource) grantwatch.database().dataSource()).getMaximumPoolSize());
                    Counter valid = grantwatch.metrics().counter("grantwatch.checks", "outcome", "valid");
                    warmUp(grantwatch, valid, count, interval.multipliedBy(4));
                    if (setup.simulator.refreshCount() != 0) {
                        System.out.printf(Locale.ROOT, "  (%d refreshes before the storm)%n", setup.simulator.refreshCount());
                    }
                    stormRun(database, grantwatch, setup, count, interval, dueWithin, margin, demand, valid);
                }
            }
        }
    }

    private void stormRun(String database, Application app, Setup setup, int count, Duration interval, Duration dueWithin,
            Duration margin, double demand, Counter valid) throws Exception {
        // Every grant falls due for a refresh between firstDue and lastDue: its expiry is its due point plus its drawn point.
        Instant firstDue = Instant.now().plusSeconds(5);
        Instant lastDue = firstDue.plus(dueWithin);
        List<long[]> rows = app.database().jdbi().withHandle(handle -> handle
                .createQuery("SELECT id, token_version FROM grants WHERE deleted_at IS NULL ORDER BY id")
                .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).list());
        app.database().jdbi().useTransaction(handle -> {
            var batch = handle.prepareBatch("UPDATE grants SET access_expires_at = :at WHERE id = :id");
            for (int i = 0; i < rows.size(); i++) {
                long id = rows.get(i)[0];
                Instant due = firstDue.plusMillis(dueWithin.toMillis() * i / rows.size());
                batch.bind("id", id).bind("at", due.plus(GrantChecker.refreshAhead(margin, id, (int) rows.get(i)[1]))).add();
            }
            batch.execute();
        });
        long refreshes0 = setup.simulator.refreshCount();
        Counter refreshed = app.metrics().counter("grantwatch.refreshes", "outcome", "refreshed");
        Counter failedRefreshes = app.metrics().counter("grantwatch.refreshes", "outcome", "failed");
        double refreshedMetric0 = refreshed.count();
        double failed0 = failedRefreshes.count();
        HikariPoolMXBean pool = ((HikariDataSource) app.database().dataSource()).getHikariPoolMXBean();
        Gauge inFlightGauge = app.metrics().find("grantwatch.checks.inflight").gauge();
        // The storm window: from the first due point to two intervals after the last, the target's deadline.
        Instant deadline = lastDue.plus(interval.multipliedBy(2));
        Instant giveUp = lastDue.plus(interval.multipliedBy(8));
        System.out.printf(Locale.ROOT, "  | t s (0 = first due, last due at %d) | refreshed (simulator) | refreshed (metric) | failed "
                + "| checks/s (last 5 s) | demand/s | lag s | in flight | pool active max | awaiting a connection max |%n",
                dueWithin.toSeconds());
        /** What the run saw, sampled each second; a sample says whether the run is over. */
        final class Watch {
            double checksAtFirstDue = Double.NaN;
            double checksAtDeadline = Double.NaN;
            Instant allRefreshedAt;
            double lastChecks = valid.count() + failed(app);
            long lastSample = System.nanoTime();
            double lagMax;
            int maxAwaiting;
            int maxActive;
            double minWindowRate = Double.MAX_VALUE;

            /** True once every grant was refreshed and the deadline has passed, or at the time to give up. */
            boolean sample() {
                Instant now = Instant.now();
                double checks = valid.count() + failed(app);
                if (Double.isNaN(checksAtFirstDue) && !now.isBefore(firstDue)) {
                    checksAtFirstDue = checks;
                }
                if (Double.isNaN(checksAtDeadline) && !now.isBefore(deadline)) {
                    checksAtDeadline = checks;
                }
                long done = setup.simulator.refreshCount() - refreshes0;
                if (allRefreshedAt == null && done >= count) {
                    allRefreshedAt = now;
                }
                maxAwaiting = Math.max(maxAwaiting, pool.getThreadsAwaitingConnection());
                maxActive = Math.max(maxActive, pool.getActiveConnections());
                long elapsed = System.nanoTime() - lastSample;
                if (elapsed >= 5_000_000_000L) {
                    double rate = (checks - lastChecks) / (elapsed / 1e9);
                    double lag = lag(app);
                    lagMax = Math.max(lagMax, Double.isNaN(lag) ? 0 : lag);
                    if (!now.isBefore(firstDue) && now.isBefore(deadline)) {
                        minWindowRate = Math.min(minWindowRate, rate);
                    }
                    System.out.printf(Locale.ROOT, "  | %.0f | %,d | %,.0f | %,.0f | %,.0f | %,.0f | %.0f | %.0f | %d | %d |%n",
                            Duration.between(firstDue, now).toMillis() / 1000.0, done, refreshed.count() - refreshedMetric0,
                            failedRefreshes.count() - failed0, rate, demand, lag,
                            inFlightGauge == null ? Double.NaN : inFlightGauge.value(), maxActive, maxAwaiting);
                    lastChecks = checks;
                    lastSample = System.nanoTime();
                    maxActive = 0;
                    maxAwaiting = 0;
                }
                return !now.isBefore(giveUp) || allRefreshedAt != null && !now.isBefore(deadline);
            }
        }
        Watch watch = new Watch();
        await().atMost(Duration.between(Instant.now(), giveUp).plusSeconds(10)).pollDelay(Duration.ofSeconds(1))
                .pollInterval(Duration.ofSeconds(1)).until(watch::sample);
        double checksAtFirstDue = watch.checksAtFirstDue;
        double checksAtDeadline = watch.checksAtDeadline;
        Instant allRefreshedAt = watch.allRefreshedAt;
        double lagMax = watch.lagMax;
        double minWindowRate = watch.minWindowRate;
        long notRefreshed = app.database().jdbi().withHandle(handle -> handle
                .createQuery("SELECT COUNT(*) FROM grants WHERE deleted_at IS NULL AND last_refreshed_at IS NULL").mapTo(Long.class).one());
        List<Object[]> next = app.database().jdbi().withHandle(handle -> handle
                .createQuery("SELECT id, token_version, access_expires_at FROM grants WHERE deleted_at IS NULL "
                        + "AND last_refreshed_at IS NOT NULL")
                .map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getInt(2), rs.getTimestamp(3).toInstant()}).list());
        double stormSeconds = Duration.between(firstDue, deadline).toMillis() / 1000.0;
        double heldRate = Double.isNaN(checksAtDeadline) ? Double.NaN : (checksAtDeadline - checksAtFirstDue) / stormSeconds;
        String allRefreshed = allRefreshedAt == null
                ? "not all: " + (count - (setup.simulator.refreshCount() - refreshes0)) + " left after "
                        + Duration.between(lastDue, Instant.now()).toSeconds() + " s"
                : String.format(Locale.ROOT, "%.0f s", Duration.between(lastDue, allRefreshedAt).toMillis() / 1000.0);
        System.out.printf(Locale.ROOT, "| %s | storm | %,d grants | token endpoint %d ms | all due within %d s | every grant "
                        + "refreshed %s after the last fell due (target <= %d s) | checks %,.0f/s of %,.0f/s demanded over the %.0f s "
                        + "from the first due point to the deadline (%.0f%%), slowest 5 s %,.0f/s | lag max %.0f s | "
                        + "grants never refreshed (database) %,d |%n", database, count, options.refreshLatency.toMillis(),
                dueWithin.toSeconds(), allRefreshed, interval.multipliedBy(2).toSeconds(), heldRate, demand, stormSeconds,
                100 * heldRate / demand, minWindowRate == Double.MAX_VALUE ? Double.NaN : minWindowRate, lagMax, notRefreshed);
        printNextPoints(next, margin);
    }

    /** When the refreshed grants fall due next: the span, and the most in any one minute. */
    private static void printNextPoints(List<Object[]> next, Duration margin) {
        if (next.isEmpty()) {
            System.out.println("  no refreshed grant to draw next points from");
            return;
        }
        List<Instant> points = new ArrayList<>();
        List<Instant> expiries = new ArrayList<>();
        for (Object[] row : next) {
            expiries.add((Instant) row[2]);
            points.add(GrantChecker.refreshPoint(margin, (long) row[0], (int) row[1], (Instant) row[2]));
        }
        points.sort(null);
        expiries.sort(null);
        // The most next points in any sliding minute.
        int most = 0;
        for (int from = 0, to = 0; to < points.size(); to++) {
            while (Duration.between(points.get(from), points.get(to)).compareTo(Duration.ofMinutes(1)) > 0) {
                from++;
            }
            most = Math.max(most, to - from + 1);
        }
        double span = Duration.between(points.getFirst(), points.getLast()).toMillis() / 1000.0;
        System.out.printf(Locale.ROOT, "| next refresh points of the %,d refreshed grants | access tokens expire %s .. %s (%.0f s) "
                        + "| fall due %s .. %s (%.0f s, %.1f min) | at most %,d in any one minute (%.0f%%), %,.0f a second on average |%n",
                points.size(), expiries.getFirst(), expiries.getLast(),
                Duration.between(expiries.getFirst(), expiries.getLast()).toMillis() / 1000.0, points.getFirst(), points.getLast(),
                span, span / 60, most, 100.0 * most / points.size(), points.size() / Math.max(1, span));
    }

    /** The simulator's grants through POST /v1/grants/import, 10,000 a request, with their refresh tokens and an hour to live. */
    private static int importWithRefreshTokens(Application app, List<SimGrant> grants) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        int imported = 0;
        for (int from = 0; from < grants.size(); from += 10_000) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (int i = from; i < Math.min(from + 10_000, grants.size()); i++) {
                SimGrant grant = grants.get(i);
                items.add(Map.of("accessToken", grant.accessToken(), "refreshToken", grant.refreshToken(), "expiresIn", 3600,
                        "externalId", "storm-" + i));
            }
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base(app) + "/v1/grants/import"))
                    .header("Authorization", "Bearer bench").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(Map.of("grants", items)))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("import answered HTTP " + answer.statusCode() + ": " + answer.body());
            }
            imported += Json.MAPPER.readTree(answer.body()).get("imported").asInt();
        }
        return imported;
    }

    /** The H2 data folder over a run with 2,000 grants checked every 30 seconds and nothing changing. */
    void h2Size() throws Exception {
        try (Setup setup = new Setup("h2", 2_000, false)) {
            try (Application app = setup.start(Duration.ofSeconds(30), Map.of())) {
                setup.load(app);
                warmUp(app, app.metrics().counter("grantwatch.checks", "outcome", "valid"), 2_000, Duration.ofMinutes(3));
                // A size a minute: H2's file breathes (see the README), so only a run of many minutes tells growth from that.
                List<Double> sizes = new ArrayList<>();
                sizes.add(folderBytes(setup.dataDir) / 1048576.0);
                // The size is the measurement, taken each minute until the last one.
                await().atMost(Duration.ofMinutes(options.h2Minutes + 1)).pollDelay(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMinutes(1)).until(() -> {
                            sizes.add(folderBytes(setup.dataDir) / 1048576.0);
                            System.out.printf(Locale.ROOT, "  h2 data folder after %d min: %.1f MiB; %s%n", sizes.size() - 1,
                                    sizes.getLast(), storeInfo(app));
                            return sizes.size() > options.h2Minutes;
                        });
                double firstHalf = sizes.subList(0, sizes.size() / 2).stream().mapToDouble(d -> d).max().orElse(0);
                double secondHalf = sizes.subList(sizes.size() / 2, sizes.size()).stream().mapToDouble(d -> d).max().orElse(0);
                System.out.printf(Locale.ROOT, "| h2 | data folder, 2,000 grants every 30 s, idle, %d min | %.1f MiB at the start, "
                                + "%.1f to %.1f MiB, %.1f at the end | largest in the first half %.1f MiB, in the second %.1f MiB |%n",
                        options.h2Minutes, sizes.getFirst(), sizes.stream().mapToDouble(d -> d).min().orElse(0),
                        sizes.stream().mapToDouble(d -> d).max().orElse(0), sizes.getLast(), firstHalf, secondHalf);
            }
        }
    }

    /**
     * H2's own account of its file (INFORMATION_SCHEMA.SETTINGS, "info.*"): how much of the file and of
     * its chunks is live, the chunks and the live pages; says whether growth is dead space or data.
     */
    private static String storeInfo(Application app) {
        Map<String, String> info = new java.util.TreeMap<>();
        app.database().jdbi().useHandle(handle -> handle.createQuery("SELECT SETTING_NAME, SETTING_VALUE FROM"
                        + " INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME IN ('info.FILL_RATE', 'info.CHUNKS_FILL_RATE',"
                        + " 'info.CHUNK_COUNT', 'info.PAGE_COUNT_LIVE', 'info.FILE_SIZE', 'info.CHUNKS_FILL_RATE_RW')")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).forEach(e -> info.put(e.getKey(), e.getValue())));
        return "H2: file fill rate " + info.get("info.FILL_RATE") + "%, chunks' fill rate " + info.get("info.CHUNKS_FILL_RATE")
                + "% (" + info.get("info.CHUNKS_FILL_RATE_RW") + "% of those old enough to rewrite), " + info.get("info.CHUNK_COUNT") + " chunks, " + info.get("info.PAGE_COUNT_LIVE") + " live pages";
    }

    private static long folderBytes(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private static String base(Application app) {
        return "http://127.0.0.1:" + app.port();
    }

    private static JsonNode get(Application app, String path) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base(app) + path))
                    .header("Authorization", "Bearer bench").build(), HttpResponse.BodyHandlers.ofString());
            return Json.MAPPER.readTree(response.body());
        } catch (Exception e) {
            return null;
        }
    }

    /** A simulator with the tail, its grants, and a fresh database. */
    private final class Setup implements AutoCloseable {
        final Path dataDir;
        final AtlassianSimulator simulator;
        final List<SimGrant> grants = new ArrayList<>();
        final String url;
        final Runnable drop;
        final String database;

        Setup(String database, int count, boolean tail) throws Exception {
            this.database = database;
            dataDir = Files.createTempDirectory("grantwatch-bench");
            if (database.equals("postgres")) {
                String name = "gw_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
                Benchmark.execute(options.postgresUrl, "CREATE DATABASE " + name);
                url = options.postgresUrl.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
                drop = () -> Benchmark.execute(options.postgresUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } else {
                url = "jdbc:h2:file:" + dataDir.resolve("bench") + options.h2UrlOptions;
                drop = () -> {};
            }
            simulator = AtlassianSimulator.start();
            simulator.setLatency(Duration.ofMillis(20));
            simulator.setShuffle(false);
            if (tail) {
                List<AtlassianSimulator.Tail> tails = new ArrayList<>();
                tails.add(new AtlassianSimulator.Tail(options.slowShare, options.slowLatency));
                if (options.hangShare > 0) {
                    tails.add(new AtlassianSimulator.Tail(options.hangShare, REQUEST_TIMEOUT.plusSeconds(1)));
                }
                simulator.setTails(tails.toArray(AtlassianSimulator.Tail[]::new));
            }
            for (int i = 0; i < count; i++) {
                SimGrant grant = simulator.newGrant();
                grant.setSites(List.of(SimSite.of("site-" + (i % 100), "read:jira-work", "write:jira-work", "read:jira-user")));
                grants.add(grant);
            }
        }

        Application start(Duration interval, Map<String, String> extra) {
            Map<String, String> env = Benchmark.environment(database, url, dataDir, simulator, "bench", interval);
            env.putAll(extra);
            return Application.start(ConfigLoader.fromEnvironment(env), Clock.systemUTC());
        }

        void load(Application app) {
            Instant now = Instant.now();
            for (int from = 0; from < grants.size(); from += 1000) {
                List<GrantDao.NewGrant> chunk = new ArrayList<>();
                for (SimGrant grant : grants.subList(from, Math.min(from + 1000, grants.size()))) {
                    chunk.add(new GrantDao.NewGrant(null, null, app.cipher().encrypt(grant.accessToken()), null,
                            app.cipher().currentKeyId(), null, now, now, null));
                }
                app.database().jdbi().useTransaction(handle -> {
                    GrantDao dao = new GrantDao(handle);
                    dao.insertAll(chunk);
                    dao.placeNew();
                });
            }
        }

        @Override
        public void close() {
            simulator.close();
            drop.run();
        }
    }
}
