package io.grantwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Application;
import io.grantwatch.Json;
import io.grantwatch.config.ConfigLoader;
import io.grantwatch.db.GrantDao;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The throughput benchmark: N grants against the simulator with a set answer latency, on H2 and
 * PostgreSQL, everything in one JVM on this machine. It prints figures; it asserts nothing.
 *
 * <pre>
 * java -cp target/grantwatch.jar io.grantwatch.bench.Benchmark [--grants 1000,10000,100000] [--db h2,postgres]
 *     [--latency PT0.02S] [--seconds 30] [--postgres-url jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres]
 * </pre>
 *
 * The polling interval is set so that every grant is always due (N / 20,000 per second, at least
 * two seconds): the dispatchers run flat out and the rate they sustain is the capacity.
 */
public final class Benchmark {
    private static final int CONCURRENCY = 512;
    private static final double DEMAND_PER_SECOND = 20_000;

    private final List<Integer> sizes;
    final List<String> databases;
    private final Duration latency;
    final Duration measure;
    final String postgresUrl;
    private final List<String> scenarios;
    final double slowShare;
    final Duration slowLatency;
    final double hangShare;
    final List<Integer> demands;
    final Duration demandInterval = Duration.ofSeconds(30);
    /** How long {@code h2size} watches the data folder. */
    final int h2Minutes;
    /** The nginx binary when the tail scenario also measures capacity against nginx as the stand-in, else null. */
    final String standIn;
    /** Appended to the scenarios' H2 URL, for experiments with H2's settings (e.g. ";RETENTION_TIME=1000"). */
    final String h2UrlOptions;
    /** {@code --capacity stand-in}: of the tail scenario's capacity runs, only the stand-in's (for A/B runs of one figure). */
    final boolean standInCapacityOnly;
    /** Grants in the {@code storm} scenario. */
    final int stormGrants;
    /** The token endpoint's latency in the {@code storm} scenario. */
    final Duration refreshLatency;

    private Benchmark(Map<String, String> options) {
        sizes = List.of(options.getOrDefault("grants", "1000,10000,100000").split(",")).stream().map(Integer::parseInt).toList();
        databases = List.of(options.getOrDefault("db", "h2,postgres").split(","));
        latency = Duration.parse(options.getOrDefault("latency", "PT0.02S"));
        measure = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "30")));
        scenarios = List.of(options.getOrDefault("scenarios", "capacity").split(","));
        slowShare = Double.parseDouble(options.getOrDefault("slow-share", "0.02"));
        slowLatency = Duration.parse(options.getOrDefault("slow-latency", "PT8S"));
        hangShare = Double.parseDouble(options.getOrDefault("hang-share", "0"));
        h2Minutes = Integer.parseInt(options.getOrDefault("h2-minutes", "10"));
        standIn = options.get("stand-in");
        standInCapacityOnly = "stand-in".equals(options.getOrDefault("capacity", "all"));
        h2UrlOptions = options.getOrDefault("h2-url-options", "");
        stormGrants = Integer.parseInt(options.getOrDefault("storm-grants", "20000"));
        refreshLatency = Duration.parse(options.getOrDefault("refresh-latency", "PT0.15S"));
        // "none": the tail scenario's capacity runs only.
        demands = List.of(options.getOrDefault("demand", "500,2000").split(",")).stream().filter(d -> !d.equals("none"))
                .map(Integer::parseInt).toList();
        postgresUrl = options.getOrDefault("postgres-url",
                System.getenv().getOrDefault("GRANTWATCH_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres"));
    }

    public static void main(String[] args) throws Exception {
        new Benchmark(options(args)).runAll();
        System.exit(0);
    }

    /** {@code --name value} pairs, without the dashes. */
    static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }

    record Result(String database, int grants, double checksPerSecond, double p50Millis, double p99Millis,
            double cpuSecondsPer1000, long heapMiB, double growthMiBPerHourIdle, double growthMiBPerHourChanging,
            double changeToEventP50, double changeToEventMax, double ceilingPerSecond) {}

    private void runAll() throws Exception {
        if (!scenarios.contains("capacity")) {
            System.out.printf(Locale.ROOT, "grantwatch benchmark: %d cores, Java %s, scenarios %s, tail: %.1f%% at %s, %.1f%% hanging "
                            + "past the timeout, %ss windows%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), scenarios, 100 * slowShare, slowLatency, 100 * hangShare, measure.toSeconds());
            Scenarios extra = new Scenarios(this);
            for (String scenario : scenarios) {
                switch (scenario) {
                    case "tail" -> extra.tail();
                    case "import" -> extra.importRate();
                    case "h2size" -> extra.h2Size();
                    case "storm" -> extra.storm();
                    default -> throw new IllegalArgumentException("unknown scenario " + scenario);
                }
            }
            return;
        }
        System.out.printf(Locale.ROOT, "grantwatch benchmark: %d cores, max heap %d MiB, Java %s, simulator latency %s, %ss windows%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"), latency, measure.toSeconds());
        List<Result> results = new ArrayList<>();
        for (String database : databases) {
            for (int grants : sizes) {
                Result result = run(database, grants);
                results.add(result);
                System.out.println(row(result));
            }
        }
        System.out.println();
        System.out.println("| database | grants | checks/s | p50 ms | p99 ms | CPU s / 1000 checks | heap MiB "
                + "| DB growth MiB/h idle | DB growth MiB/h, 10 changes/s | change→event p50 s | max s | ceiling req/s | share |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        results.forEach(result -> System.out.println(row(result)));
    }

    private static String row(Result r) {
        return String.format(Locale.ROOT, "| %s | %,d | %,.0f | %.1f | %.1f | %.2f | %d | %.1f | %.1f | %.1f | %.1f | %,.0f | %.0f%% |",
                r.database, r.grants, r.checksPerSecond, r.p50Millis, r.p99Millis, r.cpuSecondsPer1000, r.heapMiB,
                r.growthMiBPerHourIdle, r.growthMiBPerHourChanging, r.changeToEventP50, r.changeToEventMax,
                r.ceilingPerSecond, 100 * r.checksPerSecond / r.ceilingPerSecond);
    }

    private Result run(String database, int grants) throws Exception {
        Path dataDir = Files.createTempDirectory("grantwatch-bench");
        String url;
        Runnable drop;
        if (database.equals("postgres")) {
            String name = "gw_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            execute(postgresUrl, "CREATE DATABASE " + name);
            url = postgresUrl.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
            drop = () -> execute(postgresUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } else {
            url = "jdbc:h2:file:" + dataDir.resolve("bench");
            drop = () -> {};
        }
        try (AtlassianSimulator simulator = AtlassianSimulator.start()) {
            simulator.setLatency(latency);
            simulator.setShuffle(false);
            List<SimGrant> simGrants = new ArrayList<>(grants);
            for (int i = 0; i < grants; i++) {
                SimGrant grant = simulator.newGrant();
                grant.setSites(List.of(SimSite.of("site-" + (i % 100), "read:jira-work", "write:jira-work", "read:jira-user")));
                simGrants.add(grant);
            }
            Duration interval = Duration.ofMillis(Math.max(2000, (long) (grants / DEMAND_PER_SECOND * 1000)));
            Map<String, String> env = environment(database, url, dataDir, simulator, "bench", interval);
            env.put("GRANTWATCH_POLLING_CONCURRENCY", String.valueOf(CONCURRENCY));
            env.put("GRANTWATCH_POLLING_DISPATCHPERIOD", "PT0.2S");
            try (Application app = Application.start(ConfigLoader.fromEnvironment(env), Clock.systemUTC())) {
                load(app, simGrants);
                Counter valid = app.metrics().counter("grantwatch.checks", "outcome", "valid");
                // Warm-up: every grant past its first check (which writes its first snapshot and events),
                // then one more full round, so that the windows measure the steady state.
                while (app.grants().countPending() > 0) {
                    Thread.sleep(500);
                }
                double settled = valid.count();
                while (valid.count() < settled + grants) {
                    Thread.sleep(200);
                }
                long heap = heapMiB();
                Window idle = window(app, valid, measure);
                Window changing;
                List<Double> delays;
                try (ChangeDriver driver = new ChangeDriver(app, simGrants)) {
                    changing = window(app, valid, measure);
                    delays = driver.delays();
                }
                Timer timer = app.metrics().timer("grantwatch.check.duration");
                double p50 = percentile(timer, 0.5);
                double p99 = percentile(timer, 0.99);
                heap = Math.max(heap, heapMiB());
                app.close();
                double ceiling = ceiling(simulator, simGrants);
                delays.sort(Double::compare);
                return new Result(database, grants, idle.checksPerSecond(), p50, p99, idle.cpuSecondsPer1000(), heap,
                        idle.growthMiBPerHour(), changing.growthMiBPerHour(),
                        delays.isEmpty() ? Double.NaN : delays.get(delays.size() / 2),
                        delays.isEmpty() ? Double.NaN : delays.getLast(), ceiling);
            }
        } finally {
            drop.run();
        }
    }

    private static void load(Application app, List<SimGrant> simGrants) {
        Instant now = Instant.now();
        for (int from = 0; from < simGrants.size(); from += 1000) {
            List<GrantDao.NewGrant> chunk = new ArrayList<>();
            for (SimGrant grant : simGrants.subList(from, Math.min(from + 1000, simGrants.size()))) {
                chunk.add(new GrantDao.NewGrant(null, null, app.cipher().encrypt(grant.accessToken()), null,
                        app.cipher().currentKeyId(), null, now, now, now));
            }
            app.database().jdbi().useTransaction(handle -> {
                GrantDao dao = new GrantDao(handle);
                dao.insertAll(chunk);
                dao.placeNew();
            });
        }
    }

    record Window(double checksPerSecond, double cpuSecondsPer1000, double growthMiBPerHour) {}

    private static Window window(Application app, Counter valid, Duration length) throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double checks0 = valid.count();
        long cpu0 = os.getProcessCpuTime();
        long size0 = app.database().sizeBytes();
        long start = System.nanoTime();
        Thread.sleep(length.toMillis());
        double seconds = (System.nanoTime() - start) / 1e9;
        double checks = valid.count() - checks0;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        long growth = app.database().sizeBytes() - size0;
        return new Window(checks / seconds, cpu / checks * 1000, growth / (1024.0 * 1024.0) * 3600 / seconds);
    }

    private static double percentile(Timer timer, double percentile) {
        for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
            if (value.percentile() == percentile) {
                return value.value(java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
        return Double.NaN;
    }

    private static long heapMiB() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }

    /**
     * Ten scope changes a second in the simulator, each timed until its event shows in the feed
     * (read with the long poll, as an integration would).
     */
    private static final class ChangeDriver implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<Long, Long> changedAt = new ConcurrentHashMap<>();
        private final List<Double> delays = java.util.Collections.synchronizedList(new ArrayList<>());
        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

        ChangeDriver(Application app, List<SimGrant> grants) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + app.port();
            long cursor = latestEvent(http, base);
            threads.execute(() -> {
                long next = cursor;
                while (running.get()) {
                    JsonNode page = get(http, base + "/v1/events?type=site.scopes_changed&limit=1000&wait=PT1S&after=" + next);
                    if (page == null) {
                        continue;
                    }
                    for (JsonNode event : page.get("events")) {
                        Long at = changedAt.remove(event.get("grantId").asLong());
                        if (at != null) {
                            delays.add((System.nanoTime() - at) / 1e9);
                        }
                    }
                    next = page.get("nextCursor").asLong();
                }
            });
            threads.execute(() -> {
                java.util.Random random = new java.util.Random(1);
                boolean flip = false;
                while (running.get()) {
                    int index = random.nextInt(grants.size());
                    long grantId = index + 1;
                    if (!changedAt.containsKey(grantId)) {
                        SimGrant grant = grants.get(index);
                        String cloudId = grant.sites().getFirst().cloudId();
                        flip = !flip;
                        changedAt.put(grantId, System.nanoTime());
                        grant.setScopes(cloudId, flip ? new String[] {"read:jira-work"} : new String[] {"read:jira-work", "write:jira-work"});
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        List<Double> delays() {
            return new ArrayList<>(delays);
        }

        private static long latestEvent(HttpClient http, String base) {
            long cursor = 0;
            while (true) {
                JsonNode page = get(http, base + "/v1/events?limit=1000&after=" + cursor);
                if (page == null || page.get("events").isEmpty()) {
                    return cursor;
                }
                cursor = page.get("nextCursor").asLong();
            }
        }

        private static JsonNode get(HttpClient http, String url) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer bench").build(), HttpResponse.BodyHandlers.ofString());
                return Json.MAPPER.readTree(response.body());
            } catch (Exception e) {
                return null;
            }
        }

        @Override
        public void close() {
            running.set(false);
            threads.shutdownNow();
        }
    }

    /** The same simulator endpoint driven by a bare HttpClient loop at the same concurrency: the ceiling. */
    private double ceiling(AtlassianSimulator simulator, List<SimGrant> grants) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        URI uri = simulator.baseUrl().resolve("/oauth/token/accessible-resources");
        AtomicLong done = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        long end = System.nanoTime() + measure.toNanos();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int worker = 0; worker < CONCURRENCY; worker++) {
                int offset = worker;
                workers.execute(() -> {
                    int i = offset;
                    while (running.get() && System.nanoTime() < end) {
                        SimGrant grant = grants.get(i++ % grants.size());
                        try {
                            http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + grant.accessToken()).build(),
                                    HttpResponse.BodyHandlers.ofByteArray());
                            done.incrementAndGet();
                        } catch (Exception e) {
                            // counted as not done
                        }
                    }
                });
            }
            Thread.sleep(measure.toMillis());
            running.set(false);
        }
        return done.get() / (double) measure.toSeconds();
    }

    /**
     * The environment every benchmark starts grantwatch with: the database, a data folder, a zero
     * encryption key, the simulator as Atlassian, an API key, loopback on any port and the interval.
     * Mutable, for a benchmark's own additions.
     */
    static Map<String, String> environment(String database, String url, Path dataDir, AtlassianSimulator simulator,
            String apiKey, Duration interval) {
        Map<String, String> env = new HashMap<>();
        env.put("GRANTWATCH_DATABASE_URL", url);
        env.put("GRANTWATCH_DATABASE_USERNAME", database.equals("postgres") ? "postgres" : "sa");
        env.put("GRANTWATCH_DATADIR", dataDir.toString());
        env.put("GRANTWATCH_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(new byte[32]));
        env.put("GRANTWATCH_ATLASSIAN_APIBASEURL", simulator.baseUrl().toString());
        env.put("GRANTWATCH_ATLASSIAN_AUTHBASEURL", simulator.baseUrl().toString());
        env.put("GRANTWATCH_HTTP_PORT", "0");
        env.put("GRANTWATCH_HTTP_HOST", "127.0.0.1");
        env.put("GRANTWATCH_HTTP_APIKEY", apiKey);
        env.put("GRANTWATCH_POLLING_INTERVAL", interval.toString());
        return env;
    }

    static void execute(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (Exception e) {
            throw new IllegalStateException("cannot run '" + sql + "': " + e.getMessage(), e);
        }
    }
}
