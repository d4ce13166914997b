package io.grantwatch.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A stand-in for Atlassian on loopback: {@code GET /oauth/token/accessible-resources} and
 * {@code POST /oauth/token}, with rotating refresh tokens, products split into several entries,
 * shuffled answers, and scriptable faults. Tests, the demo and the benchmarks share it.
 *
 * <p>Thread-safe. Every request runs on its own virtual thread; no lock is held while an answer is
 * delayed or written. It never logs, so it never logs a token.
 */
public final class AtlassianSimulator implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";
    private static final String CLIENT_ID = "sim-client";
    private static final String CLIENT_SECRET = "sim-secret";
    private static final String RESOURCES_PATH = "/oauth/token/accessible-resources";
    private static final String TOKEN_PATH = "/oauth/token";
    private static final String JSON = "application/json";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] UNAUTHORIZED = utf8("{\"code\":401,\"message\":\"Unauthorized\"}");
    private static final byte[] INVALID_GRANT =
            utf8("{\"error\":\"invalid_grant\",\"error_description\":\"Unknown or invalid refresh token.\"}");

    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, SimGrant> grants = new ConcurrentHashMap<>();
    private final Map<String, SimGrant> grantsByToken = new ConcurrentHashMap<>();
    private final AtomicLong grantIds = new AtomicLong();
    private final Queue<Fault> nextFaults = new ConcurrentLinkedQueue<>();
    private final Queue<Fault> nextRefreshFaults = new ConcurrentLinkedQueue<>();
    private final LongAdder accessibleResourcesRequests = new LongAdder();
    private final LongAdder refreshes = new LongAdder();
    private final LongAdder retiredRefreshTokenPresentations = new LongAdder();

    private volatile Fault alwaysFault;
    private volatile Duration accessTokenLifetime = Duration.ofHours(1);
    private volatile Duration reuseLeeway = Duration.ofMinutes(10);
    private volatile Duration retryAfter = Duration.ofSeconds(5);
    private volatile Duration slowDelay = Duration.ofSeconds(60);
    private volatile Duration latency = Duration.ZERO;
    private volatile boolean rotateRefreshTokens = true;
    private volatile boolean shuffle = true;

    private AtlassianSimulator(int port, Clock clock) throws IOException {
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(LOOPBACK, port), 1024);
        server.setExecutor(executor);
        server.createContext(RESOURCES_PATH, exchange -> answer(exchange, this::accessibleResources));
        server.createContext(TOKEN_PATH, exchange -> answer(exchange, this::token));
        server.start();
    }

    public static AtlassianSimulator start() {
        return start(0, Clock.systemUTC());
    }

    public static AtlassianSimulator start(int port) {
        return start(port, Clock.systemUTC());
    }

    /** Token lifetimes and the reuse leeway follow {@code clock}, so tests can move time by hand. */
    public static AtlassianSimulator start(Clock clock) {
        return start(0, clock);
    }

    private static AtlassianSimulator start(int port, Clock clock) {
        try {
            return new AtlassianSimulator(port, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Atlassian simulator on port " + port, e);
        }
    }

    /** Both the api and the auth base url. */
    public URI baseUrl() {
        return URI.create("http://" + LOOPBACK + ":" + server.getAddress().getPort());
    }

    public String clientId() {
        return CLIENT_ID;
    }

    public String clientSecret() {
        return CLIENT_SECRET;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** A new grant with fresh tokens and no site. */
    public SimGrant newGrant() {
        SimGrant grant = new SimGrant("sim-grant-" + grantIds.incrementAndGet(), this);
        grant.consentAgain();
        grants.put(grant.id(), grant);
        return grant;
    }

    public void setAccessTokenLifetime(Duration lifetime) {
        accessTokenLifetime = lifetime;
    }

    public void setReuseLeeway(Duration leeway) {
        reuseLeeway = leeway;
    }

    /** When false, refreshes answer without a {@code refresh_token} and the old one stays valid. */
    public void setRotateRefreshTokens(boolean rotate) {
        rotateRefreshTokens = rotate;
    }

    /** When true (the default) entries and scopes come in a new random order on every answer. */
    public void setShuffle(boolean shuffle) {
        this.shuffle = shuffle;
    }

    public void setRetryAfter(Duration retryAfter) {
        this.retryAfter = retryAfter;
    }

    public void setSlowDelay(Duration slowDelay) {
        this.slowDelay = slowDelay;
    }

    /** Added to every answer of both endpoints. */
    public void setLatency(Duration latency) {
        this.latency = latency;
    }

    /** The next {@code times} accessible-resources calls, whatever their token, fail with {@code fault}. */
    public void failNext(int times, Fault fault) {
        nextFaults.addAll(Collections.nCopies(times, fault));
    }

    /** The next {@code times} calls to the token endpoint fail with {@code fault}. */
    public void failNextRefresh(int times, Fault fault) {
        nextRefreshFaults.addAll(Collections.nCopies(times, fault));
    }

    /** Every accessible-resources call fails with {@code fault} until {@link #clearFaults()}. */
    public void failAlways(Fault fault) {
        alwaysFault = fault;
    }

    /** Forgets every scripted fault, the grants' included. */
    public void clearFaults() {
        alwaysFault = null;
        nextFaults.clear();
        nextRefreshFaults.clear();
        grants.values().forEach(SimGrant::clearFaults);
    }

    public long accessibleResourcesRequests() {
        return accessibleResourcesRequests.sum();
    }

    /** Successful refreshes of all grants. */
    public long refreshCount() {
        return refreshes.sum();
    }

    /** Presentations of a refresh token that had been rotated away, within the reuse leeway or not. */
    public long retiredRefreshTokenPresentations() {
        return retiredRefreshTokenPresentations.sum();
    }

    Instant now() {
        return clock.instant();
    }

    Duration accessTokenLifetime() {
        return accessTokenLifetime;
    }

    Duration reuseLeeway() {
        return reuseLeeway;
    }

    boolean rotatesRefreshTokens() {
        return rotateRefreshTokens;
    }

    void countRetiredRefreshTokenPresentation() {
        retiredRefreshTokenPresentations.increment();
    }

    void remember(String token, SimGrant grant) {
        grantsByToken.put(token, grant);
    }

    void forget(String token) {
        if (token != null) {
            grantsByToken.remove(token);
        }
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private static void answer(HttpExchange exchange, Handler handler) {
        try (exchange) {
            handler.handle(exchange);
        } catch (IOException e) {
            // The client went away; there is nobody left to answer.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accessibleResources(HttpExchange exchange) throws IOException, InterruptedException {
        if (!routed(exchange, "GET", RESOURCES_PATH)) {
            return;
        }
        accessibleResourcesRequests.increment();
        String token = bearerToken(exchange);
        SimGrant grant = token == null ? null : grantsByToken.get(token);
        if (grant != null) {
            grant.countRequest();
        }
        Fault fault = grant == null ? null : grant.nextFault();
        if (fault == null) {
            fault = nextFaults.poll();
        }
        if (fault == null) {
            fault = alwaysFault;
        }
        pause(latency);
        if (fault != null && fail(exchange, fault)) {
            return;
        }
        if (grant == null || !grant.accepts(token, clock.instant())) {
            send(exchange, 401, JSON, UNAUTHORIZED);
            return;
        }
        send(exchange, 200, JSON, MAPPER.writeValueAsBytes(entries(grant.sites())));
    }

    /** True when the request is for {@code path} with {@code method}; else answers 404 or 405. */
    private static boolean routed(HttpExchange exchange, String method, String path) throws IOException {
        if (!exchange.getRequestURI().getPath().equals(path)) {
            send(exchange, 404, JSON, utf8("{\"code\":404,\"message\":\"Not Found\"}"));
            return false;
        }
        if (!exchange.getRequestMethod().equals(method)) {
            exchange.getResponseHeaders().set("Allow", method);
            send(exchange, 405, JSON, utf8("{\"code\":405,\"message\":\"Method Not Allowed\"}"));
            return false;
        }
        return true;
    }

    private static String bearerToken(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    private List<Map<String, Object>> entries(List<SimSite> sites) {
        boolean shuffled = shuffle;
        List<Map<String, Object>> entries = new ArrayList<>();
        for (SimSite site : sites) {
            for (List<String> productScopes : site.scopesByProduct()) {
                List<String> scopes = new ArrayList<>(productScopes);
                if (shuffled) {
                    Collections.shuffle(scopes, ThreadLocalRandom.current());
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("id", site.cloudId());
                entry.put("name", site.name());
                entry.put("url", site.url());
                entry.put("scopes", scopes);
                entry.put("avatarUrl", site.avatarUrl());
                entries.add(entry);
            }
        }
        if (shuffled) {
            Collections.shuffle(entries, ThreadLocalRandom.current());
        }
        return entries;
    }

    private void token(HttpExchange exchange) throws IOException, InterruptedException {
        if (!routed(exchange, "POST", TOKEN_PATH)) {
            return;
        }
        Fault fault = nextRefreshFaults.poll();
        pause(latency);
        if (fault != null && fail(exchange, fault)) {
            return;
        }
        JsonNode request = readJsonObject(exchange.getRequestBody());
        if (request == null) {
            sendError(exchange, 400, "invalid_request", "The body must be a JSON object.");
        } else if (!"refresh_token".equals(request.path("grant_type").asText())) {
            sendError(exchange, 400, "unsupported_grant_type", "Only refresh_token is supported here.");
        } else if (!CLIENT_ID.equals(request.path("client_id").asText()) || !CLIENT_SECRET.equals(request.path("client_secret").asText())) {
            sendError(exchange, 401, "access_denied", "Unauthorized");
        } else if (!request.path("refresh_token").isTextual()) {
            sendError(exchange, 400, "invalid_request", "refresh_token is missing.");
        } else {
            refresh(exchange, request.path("refresh_token").textValue());
        }
    }

    private void refresh(HttpExchange exchange, String presented) throws IOException {
        SimGrant grant = grantsByToken.get(presented);
        Optional<SimGrant.Issued> issued = grant == null ? Optional.empty() : grant.refresh(presented, clock.instant());
        if (issued.isEmpty()) {
            send(exchange, 403, JSON, INVALID_GRANT);
            return;
        }
        refreshes.increment();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", issued.get().accessToken());
        if (issued.get().refreshToken() != null) {
            body.put("refresh_token", issued.get().refreshToken());
        }
        body.put("expires_in", issued.get().expiresIn().toSeconds());
        body.put("scope", issued.get().scope());
        body.put("token_type", "Bearer");
        send(exchange, 200, JSON, MAPPER.writeValueAsBytes(body));
    }

    private static JsonNode readJsonObject(InputStream body) throws IOException {
        try {
            JsonNode tree = MAPPER.readTree(body.readAllBytes());
            return tree != null && tree.isObject() ? tree : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Answers as {@code fault} says; false when the fault only delays and the normal answer follows. */
    private boolean fail(HttpExchange exchange, Fault fault) throws IOException, InterruptedException {
        switch (fault) {
            case SERVER_ERROR -> send(exchange, 503, JSON, utf8("{\"code\":503,\"message\":\"Service Unavailable\"}"));
            case BAD_GATEWAY_HTML -> send(exchange, 502, "text/html; charset=utf-8", utf8(
                    "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"));
            case RATE_LIMITED -> {
                Duration wait = retryAfter;
                exchange.getResponseHeaders().set("Retry-After", Long.toString(wait.toSeconds()));
                exchange.getResponseHeaders().set("X-RateLimit-Reset", clock.instant().plus(wait).toString());
                exchange.getResponseHeaders().set("X-RateLimit-Remaining", "0");
                send(exchange, 429, JSON, utf8("{\"code\":429,\"message\":\"Too Many Requests\"}"));
            }
            case MALFORMED_JSON -> send(exchange, 200, JSON, utf8("[{\"id\":\"1324a887-45db-1bf4-1e99\",\"name\":\"Site na"));
            case WRONG_SHAPE -> send(exchange, 200, JSON, utf8("{\"values\":[],\"isLast\":true}"));
            case SLOW -> {
                pause(slowDelay);
                return false;
            }
            case RESET -> {
                // Closing before any header is sent makes the JDK server drop the connection: no answer at all.
            }
        }
        return true;
    }

    private static void pause(Duration duration) throws InterruptedException {
        if (duration.isPositive()) {
            Thread.sleep(duration);
        }
    }

    private static void sendError(HttpExchange exchange, int status, String error, String description) throws IOException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        send(exchange, status, JSON, MAPPER.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
