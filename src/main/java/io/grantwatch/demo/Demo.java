package io.grantwatch.demo;

import io.grantwatch.Application;
import io.grantwatch.client.DaemonClient;
import io.grantwatch.client.EventFormat;
import io.grantwatch.client.EventTail;
import io.grantwatch.config.Config;
import io.grantwatch.config.ConfigLoader;
import io.grantwatch.simulator.AtlassianSimulator;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * grantwatch without Atlassian: the simulator on loopback, the daemon on an in-memory H2, a few
 * grants that change every few seconds, and the events printed as the feed shows them. Everything
 * lives in this process and is gone when it stops.
 */
public final class Demo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Demo.class);

    /**
     * @param host the address the API listens on; 127.0.0.1 keeps it on this machine
     * @param port the API's port (0: any free one)
     * @param interval how often grantwatch checks each grant
     * @param stepEvery how often the script changes something
     */
    public record Options(String host, int port, Duration interval, Duration stepEvery) {}

    private final AtlassianSimulator simulator;
    private final Application application;
    private final DaemonClient client;
    private final EventTail feed;
    private final ScheduledExecutorService script = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("grantwatch-demo-script").daemon().factory());

    private Demo(AtlassianSimulator simulator, Application application) {
        this.simulator = simulator;
        this.application = application;
        this.client = new DaemonClient(apiUrl(application), null);
        this.feed = new EventTail(client, null, List.of(), Duration.ofSeconds(1));
    }

    public static Demo start(Options options) {
        AtlassianSimulator simulator = AtlassianSimulator.start();
        try {
            return new Demo(simulator, Application.start(config(options, simulator), Clock.systemUTC()));
        } catch (RuntimeException e) {
            simulator.close();
            throw e;
        }
    }

    private static Config config(Options options, AtlassianSimulator simulator) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Map<String, String> env = new HashMap<>();
        env.put("GRANTWATCH_DATABASE_URL", "jdbc:h2:mem:grantwatch-demo-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        env.put("GRANTWATCH_DATABASE_POOLSIZE", "8");
        env.put("GRANTWATCH_ATLASSIAN_APIBASEURL", simulator.baseUrl().toString());
        env.put("GRANTWATCH_ATLASSIAN_AUTHBASEURL", simulator.baseUrl().toString());
        // The simulator's client credentials, so that grantwatch refreshes tokens as it would in production.
        env.put("GRANTWATCH_ATLASSIAN_CLIENTID", simulator.clientId());
        env.put("GRANTWATCH_ATLASSIAN_CLIENTSECRET", simulator.clientSecret());
        env.put("GRANTWATCH_ATLASSIAN_REQUESTTIMEOUT", "PT2S");
        env.put("GRANTWATCH_POLLING_INTERVAL", options.interval().toString());
        env.put("GRANTWATCH_POLLING_BATCHSIZE", "100");
        env.put("GRANTWATCH_POLLING_DISPATCHERS", "1");
        env.put("GRANTWATCH_POLLING_CONCURRENCY", "32");
        env.put("GRANTWATCH_POLLING_DEGRADEDAFTER", "2");
        env.put("GRANTWATCH_POLLING_RETRYBACKOFF", "PT1S");
        env.put("GRANTWATCH_POLLING_DISPATCHPERIOD", "PT0.5S");
        env.put("GRANTWATCH_POLLING_REMOVALCONFIRMDELAY", "PT1S");
        // The consent flow's callback must be known before the daemon starts, so its port is too.
        int port = options.port() != 0 ? options.port() : freePort();
        env.put("GRANTWATCH_HTTP_PORT", String.valueOf(port));
        env.put("GRANTWATCH_ATLASSIAN_REDIRECTURI", "http://127.0.0.1:" + port + "/connect/callback");
        env.put("GRANTWATCH_ATLASSIAN_SCOPES",
                "read:jira-work,write:jira-work,read:confluence-content.all,write:confluence-content,read:me");
        env.put("GRANTWATCH_HTTP_HOST", options.host());
        env.put("GRANTWATCH_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(key));
        return ConfigLoader.fromEnvironment(env);
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("no free port for the demo", e);
        }
    }

    private static URI apiUrl(Application application) {
        return URI.create("http://127.0.0.1:" + application.port());
    }

    /**
     * Registers the grants, then changes one every {@code stepEvery} and prints each event, until
     * {@code duration} has passed (null: until {@link #stop()}).
     */
    public void run(Options options, Duration duration, PrintWriter out) {
        Instant until = duration == null ? null : Instant.now().plus(duration);
        URI api = apiUrl(application);
        out.println("grantwatch demo: a simulated Atlassian, five users' grants, and a change every "
                + options.stepEvery().toSeconds() + " s; grantwatch checks each grant every " + options.interval().toSeconds() + " s.");
        out.println("  API:        " + api + "   (no API key; try: grantwatch grants list --url " + api + ")");
        out.println("  health:     " + api + "/health   metrics: " + api + "/metrics");
        if (answersOk(api)) {
            out.println("  dashboard:  " + api + "/");
        }
        out.println(duration == null ? "Ctrl-C stops it." : "It stops by itself after " + duration + ".");
        out.println();

        DemoScript story = new DemoScript(simulator, client);
        Map<Long, String> names = story.registerGrants();
        synchronized (out) {
            out.println("[demo] erin connects through grantwatch (POST /v1/connect, Atlassian's consent screen, "
                    + "/connect/callback) and picks Echo: " + story.firstConnect());
            out.flush();
        }
        long every = options.stepEvery().toMillis();
        script.scheduleWithFixedDelay(() -> {
            try {
                String told = story.step();
                synchronized (out) {
                    out.println("[demo] " + told);
                    out.flush();
                }
            } catch (RuntimeException e) {
                log.warn("A demo step failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);

        EventFormat format = new EventFormat(id -> names.getOrDefault(id, "grant " + id));
        feed.follow(0, true, until, event -> {
            synchronized (out) {
                out.println(format.line(event));
                out.flush();
            }
            return true;
        });
    }

    /** Makes {@link #run} return within about a second; safe from any thread, a signal handler's included. */
    public void stop() {
        feed.stop();
    }

    public int port() {
        return application.port();
    }

    /** True when the daemon serves a page at its root (a dashboard, once there is one). */
    private static boolean answersOk(URI api) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(api.resolve("/")).timeout(Duration.ofSeconds(2)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        script.shutdownNow();
        try {
            script.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        application.close();
        simulator.close();
    }
}
