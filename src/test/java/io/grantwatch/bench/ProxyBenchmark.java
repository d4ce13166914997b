package io.grantwatch.bench;

import io.grantwatch.Application;
import io.grantwatch.Json;
import io.grantwatch.config.ConfigLoader;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Site API calls through grantwatch against the same calls made directly, and the preflight against
 * liveness, side by side in one run: the simulator, grantwatch (H2 in memory, or PostgreSQL) and the
 * load generator in one JVM. It prints figures; it asserts nothing.
 *
 * <pre>
 * ./mvnw -q -Pbench test-compile exec:exec -Dbench.class=io.grantwatch.bench.ProxyBenchmark \
 *     -Dbench.args="[--db h2|postgres] [--grants 100] [--calls 2000] [--concurrency 32] [--seconds 8]
 *     [--warmup 30] [--only direct|proxied|preflight|live] [--site-latency PT0.05S]"
 * </pre>
 *
 * Latency: the calls go one at a time, direct and proxied in turn, so that both see the same machine.
 * Throughput: {@code concurrency} callers for {@code seconds} of each kind of call, in windows that take turns.
 * The call is {@code GET /ex/jira/{cloudId}/rest/api/3/myself}; the grants are spread over the calls.
 * With {@code --site-latency}, the throughput comparison runs once more with every site answer taking that long.
 */
public final class ProxyBenchmark {
    private static final String API_KEY = "bench";
    /** Windows per kind of call in a throughput comparison; {@code seconds} is shared among them. */
    private static final int ROUNDS = 4;
    private static final SimSite SITE = SimSite.of("Bench Jira", "read:jira-user", "read:jira-work");

    private final String database;
    private final int grantCount;
    private final int calls;
    private final int concurrency;
    private final Duration window;
    private final String postgresUrl;
    /** When set, only this kind of call (direct, proxied, preflight or live) runs, for {@code seconds}: for a profiler. */
    private final String only;
    /**
     * Calls of each kind, in turns, before anything is measured: on two cores the JIT compiler takes a
     * third of the CPU for the first minute, more of it from the longer proxied path.
     */
    private final Duration warmup;
    /** When set, a second comparison of direct and proxied calls with every site API answer taking this long. */
    private final Duration siteLatency;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    private ProxyBenchmark(Map<String, String> options) {
        database = options.getOrDefault("db", "h2");
        grantCount = Integer.parseInt(options.getOrDefault("grants", "100"));
        calls = Integer.parseInt(options.getOrDefault("calls", "2000"));
        concurrency = Integer.parseInt(options.getOrDefault("concurrency", "32"));
        window = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "8")));
        only = options.get("only");
        warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup", "30")));
        siteLatency = Duration.parse(options.getOrDefault("site-latency", "PT0S"));
        postgresUrl = options.getOrDefault("postgres-url",
                System.getenv().getOrDefault("GRANTWATCH_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres"));
    }

    public static void main(String[] args) throws Exception {
        new ProxyBenchmark(Benchmark.options(args)).run();
        System.exit(0);
    }

    private void run() throws Exception {
        Path dataDir = Files.createTempDirectory("grantwatch-proxy-bench");
        String url = database.equals("postgres") ? postgresUrl
                : "jdbc:h2:mem:proxybench;DB_CLOSE_DELAY=-1";
        try (AtlassianSimulator simulator = AtlassianSimulator.start()) {
            simulator.setShuffle(false);
            Map<String, String> env = Benchmark.environment(database, url, dataDir, simulator, API_KEY, Duration.ofHours(1));
            env.put("GRANTWATCH_ATLASSIAN_CLIENTID", simulator.clientId());
            env.put("GRANTWATCH_ATLASSIAN_CLIENTSECRET", simulator.clientSecret());
            try (Application app = Application.start(ConfigLoader.fromEnvironment(env), Clock.systemUTC())) {
                String base = "http://127.0.0.1:" + app.port();
                List<SimGrant> simGrants = new ArrayList<>();
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < grantCount; i++) {
                    SimGrant grant = simulator.newGrant();
                    grant.setSites(List.of(SITE));
                    simGrants.add(grant);
                    ids.add(register(base, grant));
                }
                awaitHealthy(base, ids);
                String path = "/ex/jira/" + SITE.cloudId() + "/rest/api/3/myself";
                IntFunction<HttpRequest> direct = i -> HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
                        .header("Authorization", "Bearer " + simGrants.get(i % grantCount).accessToken()).build();
                IntFunction<HttpRequest> proxied = i -> HttpRequest.newBuilder(
                                URI.create(base + "/v1/grants/" + ids.get(i % grantCount) + "/proxy" + path))
                        .header("Authorization", "Bearer " + API_KEY).build();
                IntFunction<HttpRequest> preflight = i -> HttpRequest.newBuilder(URI.create(base + "/v1/grants/"
                                + ids.get(i % grantCount) + "/access?cloudId=" + SITE.cloudId() + "&scope=read:jira-user"))
                        .header("Authorization", "Bearer " + API_KEY).build();
                IntFunction<HttpRequest> live = i -> HttpRequest.newBuilder(URI.create(base + "/health/live")).build();

                if (only != null) {
                    IntFunction<HttpRequest> kind = Map.of("direct", direct, "proxied", proxied, "preflight", preflight, "live", live)
                            .get(only);
                    throughput(kind, warmup);
                    long cpu = cpuNanos();
                    long[] done = new long[1];
                    double rate = throughput(kind, window, done);
                    System.out.printf(Locale.ROOT, "%s only: %.0f/s, CPU per call %.0f us%n", only, rate,
                            (cpuNanos() - cpu) / 1e3 / Math.max(1, done[0]));
                    return;
                }
                System.out.printf(Locale.ROOT, "proxy benchmark: %s, %d grants, %d calls one at a time, %d callers for %ds of each"
                        + " kind of call (%d windows each, in turns), after %ds of warm-up, %d cores%n", database, grantCount, calls,
                        concurrency, window.toSeconds(), ROUNDS, warmup.toSeconds(), Runtime.getRuntime().availableProcessors());
                for (Duration spent = Duration.ZERO; spent.compareTo(warmup) < 0; spent = spent.plusSeconds(4)) {
                    throughput(direct, Duration.ofSeconds(1));
                    throughput(proxied, Duration.ofSeconds(2));
                    throughput(preflight, Duration.ofSeconds(1));
                }
                latency(direct, proxied, calls / 5);
                double[][] latencies = latency(direct, proxied, calls);
                double directP50 = percentile(latencies[0], 0.5);
                double proxiedP50 = percentile(latencies[1], 0.5);
                System.out.printf(Locale.ROOT, "latency   direct  p50 %.3f ms  p99 %.3f ms%n", directP50, percentile(latencies[0], 0.99));
                System.out.printf(Locale.ROOT, "latency   proxied p50 %.3f ms  p99 %.3f ms%n", proxiedP50, percentile(latencies[1], 0.99));
                System.out.printf(Locale.ROOT, "latency   added at p50: %.3f ms (target: at most 2 ms)%n", proxiedP50 - directP50);

                double[] rates = alternating(direct, proxied);
                double directRate = rates[0];
                double proxiedRate = rates[1];
                System.out.printf(Locale.ROOT, "throughput direct %.0f/s, proxied %.0f/s: %.2f of direct (target: at least 0.5)%n",
                        directRate, proxiedRate, proxiedRate / directRate);
                System.out.printf(Locale.ROOT, "CPU per call (the whole process: callers, grantwatch, simulator): direct %.0f us, "
                        + "proxied %.0f us; grantwatch's share about %.0f us%n", rates[2], rates[3], rates[3] - rates[2]);

                double reads = stateReads(base);
                rates = alternating(live, preflight);
                double liveRate = rates[0];
                double preflightRate = rates[1];
                double readsDuring = stateReads(base) - reads;
                System.out.printf(Locale.ROOT, "preflight %.0f/s, /health/live %.0f/s: %.2f of liveness (target: at least 0.8); "
                        + "%.0f grant states read from the database for %.0f preflights; CPU per call %.0f us and %.0f us%n",
                        preflightRate, liveRate, preflightRate / liveRate, readsDuring, preflightRate * window.toMillis() / 1000.0,
                        rates[3], rates[2]);
                System.out.printf(Locale.ROOT, "time grantwatch adds by its own timer (grantwatch_proxy_overhead_seconds): %s%n",
                        overhead(base));
                if (!siteLatency.isZero()) {
                    // A site that takes as long as a real one: what is left of the difference is not CPU but waiting.
                    simulator.siteApis().setLatency(siteLatency);
                    rates = alternating(direct, proxied);
                    System.out.printf(Locale.ROOT, "with every site answer taking %d ms: direct %.0f/s, proxied %.0f/s: %.2f of direct;"
                            + " CPU per call %.0f us and %.0f us%n", siteLatency.toMillis(), rates[0], rates[1], rates[1] / rates[0],
                            rates[2], rates[3]);
                }
            }
        }
    }

    private long register(String base, SimGrant grant) throws Exception {
        String body = Json.write(Map.of("accessToken", grant.accessToken(), "refreshToken", grant.refreshToken(), "expiresIn", 3600));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/grants"))
                .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(answer.body()).get("id").asLong();
    }

    private void awaitHealthy(String base, List<Long> ids) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        for (long id : ids) {
            while (!get(base + "/v1/grants/" + id).contains("\"HEALTHY\"")) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("grant " + id + " did not become healthy");
                }
                Thread.sleep(50);
            }
        }
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + API_KEY).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Milliseconds of each call, direct and proxied in turn. */
    private double[][] latency(IntFunction<HttpRequest> direct, IntFunction<HttpRequest> proxied, int n) throws Exception {
        double[] directMillis = new double[n];
        double[] proxiedMillis = new double[n];
        for (int i = 0; i < n; i++) {
            directMillis[i] = timed(direct.apply(i));
            proxiedMillis[i] = timed(proxied.apply(i));
        }
        return new double[][] {directMillis, proxiedMillis};
    }

    private double timed(HttpRequest request) throws Exception {
        long started = System.nanoTime();
        HttpResponse<byte[]> answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + answer.statusCode() + " from " + request.uri().getPath());
        }
        return (System.nanoTime() - started) / 1e6;
    }

    /**
     * The rates of two kinds of call in windows that take turns (a, b, b, a, a, b), so that a change in
     * what else runs on the machine weighs on both alike.
     */
    private double[] alternating(IntFunction<HttpRequest> a, IntFunction<HttpRequest> b) throws Exception {
        double[] sums = new double[4];
        for (int round = 0; round < ROUNDS; round++) {
            for (int turn = 0; turn < 2; turn++) {
                boolean first = (round % 2 == 0) == (turn == 0);
                long cpu = cpuNanos();
                long calls = this.calls(first ? a : b, window.dividedBy(ROUNDS), sums, first ? 0 : 1);
                sums[first ? 2 : 3] += (cpuNanos() - cpu) / 1e3 / Math.max(1, calls);
            }
        }
        return new double[] {sums[0] / ROUNDS, sums[1] / ROUNDS, sums[2] / ROUNDS, sums[3] / ROUNDS};
    }

    /** The CPU time of the whole process (load, grantwatch and simulator alike), in nanoseconds. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** One window of {@link #throughput}: adds its rate to {@code rates[slot]} and answers the calls made. */
    private long calls(IntFunction<HttpRequest> request, Duration duration, double[] rates, int slot) throws Exception {
        long[] done = new long[1];
        rates[slot] += throughput(request, duration, done);
        return done[0];
    }

    /** Calls a second with {@code concurrency} callers for {@code duration}. */
    private double throughput(IntFunction<HttpRequest> request, Duration duration) throws Exception {
        return throughput(request, duration, new long[1]);
    }

    /** As {@link #throughput(IntFunction, Duration)}; {@code done[0]} is set to the calls that succeeded. */
    private double throughput(IntFunction<HttpRequest> request, Duration duration, long[] calls) throws Exception {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        long started = System.nanoTime();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < concurrency; c++) {
                callers.submit(() -> {
                    int i = ThreadLocalRandom.current().nextInt(1_000_000);
                    while (System.nanoTime() < end) {
                        try {
                            HttpResponse<byte[]> answer = http.send(request.apply(i++), HttpResponse.BodyHandlers.ofByteArray());
                            (answer.statusCode() == 200 ? done : failed).incrementAndGet();
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        }
        if (failed.get() > 0) {
            System.out.printf(Locale.ROOT, "  (%d calls failed)%n", failed.get());
        }
        calls[0] = done.get();
        return done.get() / ((System.nanoTime() - started) / 1e9);
    }

    private double stateReads(String base) throws Exception {
        return get(base + "/metrics").lines().filter(line -> line.startsWith("grantwatch_access_state_reads_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** The time grantwatch adds by its own timer: p50 and p99 from the histogram's buckets, and the mean, in milliseconds. */
    private String overhead(String base) throws Exception {
        List<double[]> buckets = new ArrayList<>();
        double sum = 0;
        double count = 0;
        for (String line : get(base + "/metrics").lines().toList()) {
            double value = line.startsWith("grantwatch_proxy_overhead_seconds") ? Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) : 0;
            if (line.startsWith("grantwatch_proxy_overhead_seconds_bucket{")) {
                String le = line.replaceAll(".*le=\"([^\"]+)\".*", "$1");
                buckets.add(new double[] {le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), value});
            } else if (line.startsWith("grantwatch_proxy_overhead_seconds_sum")) {
                sum = value;
            } else if (line.startsWith("grantwatch_proxy_overhead_seconds_count")) {
                count = value;
            }
        }
        return String.format(Locale.ROOT, "p50 at most %.3f ms, p99 at most %.3f ms, mean %.3f ms over %.0f proxied calls",
                bucketAt(buckets, count * 0.5) * 1000, bucketAt(buckets, count * 0.99) * 1000, sum / count * 1000, count);
    }

    /** The upper bound of the first bucket that holds {@code rank} observations. */
    private static double bucketAt(List<double[]> cumulative, double rank) {
        for (double[] bucket : cumulative) {
            if (bucket[1] >= rank) {
                return bucket[0];
            }
        }
        return Double.NaN;
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }
}
