package io.grantwatch.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Application;
import io.grantwatch.Json;
import io.grantwatch.config.ConfigLoader;
import io.grantwatch.db.GrantDao;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
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
 * nothing changing). Prints figures; asserts nothing.
 */
final class Scenarios {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private final Benchmark options;

    Scenarios(Benchmark options) {
        this.options = options;
    }

    record Row(String database, String what, int grants, double demand, double checksPerSecond, double lagMax,
            double inFlightMean, double cpuPer1000, String note) {}

    void tail() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String database : options.databases) {
            rows.add(run(database, "capacity, no tail", 10_000, null, false));
            if (options.standIn != null) {
                try (NginxStandIn nginx = NginxStandIn.start(options.standIn)) {
                    rows.add(run(database, "capacity, no tail, nginx stand-in", 10_000, null, false,
                            Map.of("GRANTWATCH_ATLASSIAN_APIBASEURL", nginx.baseUrl().toString())));
                }
            }
            rows.add(run(database, "capacity, tail", 10_000, null, true));
            for (int demand : options.demands) {
                rows.add(run(database, "demand " + demand + "/s, tail", demand * (int) options.demandInterval.toSeconds(),
                        options.demandInterval, true));
            }
        }
        System.out.println();
        System.out.println("| database | run | grants | demand/s | checks/s | share of demand | lag max s | in flight (mean) | CPU s / 1000 checks |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        rows.forEach(row -> System.out.println(format(row)));
    }

    private static String format(Row r) {
        return String.format(Locale.ROOT, "| %s | %s | %,d | %s | %,.0f | %s | %.0f | %s | %.2f |", r.database, r.what, r.grants,
                Double.isNaN(r.demand) ? "flat out" : String.format(Locale.ROOT, "%,.0f", r.demand), r.checksPerSecond,
                Double.isNaN(r.demand) ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * r.checksPerSecond / r.demand), r.lagMax,
                Double.isNaN(r.inFlightMean) ? "n/a" : String.format(Locale.ROOT, "%.0f", r.inFlightMean), r.cpuPer1000);
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
                long cpu0 = os.getProcessCpuTime();
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
                Row row = new Row(database, what, grants, interval == null ? Double.NaN : grants / (double) interval.toSeconds(),
                        checks / seconds, lagMax, inFlight / samples, cpu / checks * 1000, "");
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

    /** The H2 data folder over a run with 2,000 grants checked every 30 seconds and nothing changing. */
    void h2Size() throws Exception {
        try (Setup setup = new Setup("h2", 2_000, false)) {
            try (Application app = setup.start(Duration.ofSeconds(30), Map.of())) {
                setup.load(app);
                warmUp(app, app.metrics().counter("grantwatch.checks", "outcome", "valid"), 2_000, Duration.ofMinutes(3));
                // A size a minute: H2's file breathes (see the README), so only a run of many minutes tells growth from that.
                List<Double> sizes = new ArrayList<>();
                sizes.add(folderBytes(setup.dataDir) / 1048576.0);
                for (int minute = 1; minute <= options.h2Minutes; minute++) {
                    Thread.sleep(60_000);
                    sizes.add(folderBytes(setup.dataDir) / 1048576.0);
                    System.out.printf(Locale.ROOT, "  h2 data folder after %d min: %.1f MiB%n", minute, sizes.getLast());
                }
                double firstHalf = sizes.subList(0, sizes.size() / 2).stream().mapToDouble(d -> d).max().orElse(0);
                double secondHalf = sizes.subList(sizes.size() / 2, sizes.size()).stream().mapToDouble(d -> d).max().orElse(0);
                System.out.printf(Locale.ROOT, "| h2 | data folder, 2,000 grants every 30 s, idle, %d min | %.1f MiB at the start, "
                                + "%.1f to %.1f MiB, %.1f at the end | largest in the first half %.1f MiB, in the second %.1f MiB |%n",
                        options.h2Minutes, sizes.getFirst(), sizes.stream().mapToDouble(d -> d).min().orElse(0),
                        sizes.stream().mapToDouble(d -> d).max().orElse(0), sizes.getLast(), firstHalf, secondHalf);
            }
        }
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
                url = "jdbc:h2:file:" + dataDir.resolve("bench");
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
