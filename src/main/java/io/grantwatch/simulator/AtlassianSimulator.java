package io.grantwatch.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A stand-in for Atlassian on loopback: {@code GET /oauth/token/accessible-resources},
 * {@code POST /oauth/token} (refresh and authorization code), the consent flow's
 * {@code GET /authorize} and {@code GET /me} (see {@link ConsentFlow}), with rotating refresh tokens,
 * products split into several entries, shuffled answers, and scriptable faults. Tests, the demo and the benchmarks share it.
 *
 * <p>It runs on a bare Jetty server (no servlet context, no Javalin): the benchmark shares two cores
 * between this and grantwatch, so the simulator must cost little per request. Every request runs on
 * its own virtual thread; no global lock is taken, and none is held while an answer is delayed or
 * written. It never logs, so it never logs a token.
 *
 * <p>Thread-safe.
 */
public final class AtlassianSimulator implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";
    private static final String CLIENT_ID = "sim-client";
    private static final String CLIENT_SECRET = "sim-secret";
    private static final String RESOURCES_PATH = "/oauth/token/accessible-resources";
    private static final String TOKEN_PATH = "/oauth/token";
    private static final String AUTHORIZE_PATH = "/authorize";
    private static final String ME_PATH = "/me";
    private static final String JSON = "application/json";
    private static final String HTML = "text/html; charset=utf-8";
    /** Room for well over a thousand connections arriving at once (the kernel caps it at somaxconn). */
    private static final int ACCEPT_QUEUE = 4096;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] UNAUTHORIZED = utf8("{\"code\":401,\"message\":\"Unauthorized\"}");
    private static final byte[] INVALID_GRANT =
            utf8("{\"error\":\"invalid_grant\",\"error_description\":\"Unknown or invalid refresh token.\"}");
    private static final byte[] NOT_FOUND = utf8("{\"code\":404,\"message\":\"Not Found\"}");
    private static final byte[] NO_CONTEXT = utf8("<h1>404 Not Found</h1>No context found for request");
    private static final byte[] METHOD_NOT_ALLOWED = utf8("{\"code\":405,\"message\":\"Method Not Allowed\"}");
    private static final byte[] SERVICE_UNAVAILABLE = utf8("{\"code\":503,\"message\":\"Service Unavailable\"}");
    private static final byte[] BAD_GATEWAY =
            utf8("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>");
    private static final byte[] TOO_MANY_REQUESTS = utf8("{\"code\":429,\"message\":\"Too Many Requests\"}");
    private static final byte[] CUT_OFF_JSON = utf8("[{\"id\":\"1324a887-45db-1bf4-1e99\",\"name\":\"Site na");
    private static final byte[] OBJECT_NOT_ARRAY = utf8("{\"values\":[],\"isLast\":true}");

    private final Clock clock;
    private final Server server;
    private final ServerConnector connector;
    // Jetty hands each request to a virtual thread from here, so close() can interrupt the delayed ones.
    private final ExecutorService requestThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, SimGrant> grants = new ConcurrentHashMap<>();
    private final Map<String, SimGrant> grantsByToken = new ConcurrentHashMap<>();
    private final AtomicLong grantIds = new AtomicLong();
    private final Queue<Fault> nextFaults = new ConcurrentLinkedQueue<>();
    private final Queue<Fault> nextRefreshFaults = new ConcurrentLinkedQueue<>();
    private final LongAdder accessibleResourcesRequests = new LongAdder();
    private final LongAdder refreshes = new LongAdder();
    private final AtomicInteger tokenCallsHeld = new AtomicInteger();
    private final LongAdder retiredRefreshTokenPresentations = new LongAdder();
    private final ConsentFlow consents = new ConsentFlow(this);
    private final SimSiteApis siteApis = new SimSiteApis(this);

    private volatile Fault alwaysFault;
    private volatile Duration accessTokenLifetime = Duration.ofHours(1);
    private volatile Duration reuseLeeway = Duration.ofMinutes(10);
    private volatile Duration retryAfter = Duration.ofSeconds(5);
    private volatile Duration slowDelay = Duration.ofSeconds(60);
    private volatile Duration latency = Duration.ZERO;
    /** The token endpoint's own latency; null: {@link #latency}, as before there was one. */
    private volatile Duration refreshLatency;
    private volatile CountDownLatch tokenGate;
    private volatile boolean rotateRefreshTokens = true;
    private volatile boolean shuffle = true;
    private volatile List<Tail> tails = List.of();

    private AtlassianSimulator(int port, Clock clock) throws Exception {
        this.clock = clock;
        // The platform threads only accept and select; handlers (and their sleeps) run on virtual threads.
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("atlassian-simulator");
        threads.setDaemon(true);
        threads.setVirtualThreadsExecutor(requestThreads);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // Header values as they came, not Jetty's cached ones that match but for case: the echo shows them.
        http.setHeaderCacheCaseSensitive(true);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(LOOPBACK);
        connector.setPort(port);
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        server.addConnector(connector);
        server.setHandler(new AbstractHandler() {
            @Override
            public void handle(String target, Request request, HttpServletRequest servletRequest, HttpServletResponse servletResponse)
                    throws IOException {
                request.setHandled(true);
                AtlassianSimulator.this.handle(request, request.getResponse());
            }
        });
        server.setStopTimeout(0);
        try {
            server.start();
        } catch (Exception e) {
            // A port in use fails the connector after the thread pool has started: stop that too.
            close();
            throw e;
        }
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
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the Atlassian simulator on port " + port, e);
        }
    }

    /** Both the api and the auth base url. */
    public URI baseUrl() {
        return URI.create("http://" + LOOPBACK + ":" + connector.getLocalPort());
    }

    public String clientId() {
        return CLIENT_ID;
    }

    public String clientSecret() {
        return CLIENT_SECRET;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // Stopping closes the connections; a failure here leaves nothing we could still answer.
        } finally {
            requestThreads.shutdownNow();
        }
    }

    /** A new grant with fresh tokens and no site. */
    public SimGrant newGrant() {
        SimGrant grant = new SimGrant("sim-grant-" + grantIds.incrementAndGet(), this);
        grant.consentAgain();
        grants.put(grant.id(), grant);
        return grant;
    }

    /**
     * What the next visitors of {@code /authorize} do, one consent per visit, in order. A visit with
     * none scripted gets Atlassian's error page.
     */
    public void scriptConsent(SimConsent... next) {
        for (SimConsent consent : next) {
            consents.script(consent);
        }
    }

    /** The grant of an account that consented through {@code /authorize}. */
    public Optional<SimGrant> grantOf(String accountId) {
        return consents.grantOf(accountId);
    }

    /**
     * A callback URL registered for the app, as in Atlassian's developer console. While none is
     * registered, any http(s) {@code redirect_uri} is taken.
     */
    public void registerRedirectUri(String uri) {
        consents.registerRedirectUri(uri);
    }

    /** How long an authorization code can be exchanged (on the simulator's clock); five minutes by default. */
    public void setAuthorizationCodeLifetime(Duration lifetime) {
        consents.setCodeLifetime(lifetime);
    }

    /** The query parameters of the last {@code /authorize} request. */
    public Map<String, String> lastAuthorizeParameters() {
        return consents.lastAuthorizeParameters();
    }

    /** Successful exchanges of an authorization code. */
    public long authorizationCodeExchanges() {
        return consents.exchanges();
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

    /**
     * Added to every answer: accessible-resources, {@code /me}, and the token endpoint unless
     * {@link #setRefreshLatency} gives that one its own.
     */
    public void setLatency(Duration latency) {
        this.latency = latency;
    }

    /**
     * The token endpoint's latency (refreshes and code exchanges) on its own, in place of
     * {@link #setLatency}'s; null goes back to that one. Atlassian's token endpoint is slower than
     * accessible-resources.
     */
    public void setRefreshLatency(Duration latency) {
        this.refreshLatency = latency;
    }

    /**
     * Every call to the token endpoint waits, once its latency has passed, until {@code gate} is
     * open (counted down); null lets them all through again. Calls already waiting go on waiting for
     * the gate they found.
     */
    public void holdTokenEndpointUntil(CountDownLatch gate) {
        this.tokenGate = gate;
    }

    /** Calls to the token endpoint now waiting at the gate of {@link #holdTokenEndpointUntil}. */
    public int tokenCallsHeld() {
        return tokenCallsHeld.get();
    }

    /** A share of accessible-resources answers (0 to 1) that take {@code delay} more than the others. */
    public record Tail(double share, Duration delay) {}

    /**
     * A long tail: each accessible-resources answer draws at random whether it is late, and by how much
     * ({@code tails} are disjoint shares). None by default.
     */
    public void setTails(Tail... tails) {
        this.tails = List.of(tails);
    }

    /** The next {@code times} accessible-resources calls, whatever their token, fail with {@code fault}. */
    public void failNext(int times, Fault fault) {
        nextFaults.addAll(Collections.nCopies(times, fault));
    }

    /** The next {@code times} calls to the token endpoint (refreshes and code exchanges) fail with {@code fault}. */
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

    /** The site APIs, {@code /ex/{product}/{cloudId}/...}: their counters and settings. */
    public SimSiteApis siteApis() {
        return siteApis;
    }

    SimGrant grantByToken(String token) {
        return grantsByToken.get(token);
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

    /**
     * Routes by exact path; the two endpoints answer 405 to other methods, every other path 404 (JSON
     * below {@code /oauth/token/}, as Atlassian's own 404 is).
     */
    private void handle(Request request, Response response) throws IOException {
        try {
            String path = String.valueOf(request.getHttpURI().getDecodedPath());
            if (RESOURCES_PATH.equals(path)) {
                if (allowed(request, response, "GET")) {
                    accessibleResources(request, response);
                }
            } else if (TOKEN_PATH.equals(path)) {
                if (allowed(request, response, "POST")) {
                    token(request, response);
                }
            } else if (AUTHORIZE_PATH.equals(path)) {
                if (allowed(request, response, "GET")) {
                    consents.authorize(request, response);
                }
            } else if (ME_PATH.equals(path)) {
                if (allowed(request, response, "GET")) {
                    me(request, response);
                }
            } else if (path.startsWith("/ex/")) {
                siteApis.handle(request, response);
            } else if (path.startsWith(TOKEN_PATH + "/")) {
                send(response, 404, JSON, NOT_FOUND);
            } else {
                // What the JDK server this simulator used to run on answered outside its two contexts.
                send(response, 404, "text/html", NO_CONTEXT);
            }
        } catch (InterruptedException e) {
            // close() interrupted a delayed answer: drop the connection rather than let Jetty send an empty 200.
            reset(request);
            Thread.currentThread().interrupt();
        }
    }

    private static boolean allowed(Request request, Response response, String method) throws IOException {
        if (request.getMethod().equals(method)) {
            return true;
        }
        response.setHeader("Allow", method);
        send(response, 405, JSON, METHOD_NOT_ALLOWED);
        return false;
    }

    private void accessibleResources(Request request, Response response) throws IOException, InterruptedException {
        accessibleResourcesRequests.increment();
        String token = bearerToken(request);
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
        pause(tail());
        if (grant != null) {
            grant.awaitHold();
        }
        if (fault != null && fail(request, response, fault)) {
            return;
        }
        if (grant == null || !grant.accepts(token, clock.instant())) {
            send(response, 401, JSON, UNAUTHORIZED);
            return;
        }
        send(response, 200, JSON, answer(grant));
    }

    private void me(Request request, Response response) throws IOException, InterruptedException {
        String token = bearerToken(request);
        SimGrant grant = token == null ? null : grantsByToken.get(token);
        pause(latency);
        if (grant == null || !grant.accepts(token, clock.instant())) {
            send(response, 401, JSON, UNAUTHORIZED);
            return;
        }
        consents.me(grant, response);
    }

    /** The token of an {@code Authorization: Bearer} header, or null. */
    static String bearerToken(Request request) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    /**
     * The grant's entries as JSON. Unshuffled, the bytes only change when the grant's sites do, so they
     * are kept on the grant and rebuilt when its (immutable) sites list is no longer the one they came from.
     */
    private byte[] answer(SimGrant grant) throws IOException {
        List<SimSite> sites = grant.sites();
        if (shuffle) {
            return entriesJson(sites, true);
        }
        SimGrant.Answer cached = grant.unshuffledAnswer();
        if (cached == null || cached.sites() != sites) {
            // Two requests may both rebuild after a change; they build the same bytes, so either may win.
            cached = new SimGrant.Answer(sites, entriesJson(sites, false));
            grant.keepUnshuffledAnswer(cached);
        }
        return cached.json();
    }

    private static byte[] entriesJson(List<SimSite> sites, boolean shuffled) throws IOException {
        record Entry(SimSite site, List<String> scopes) {}
        List<Entry> entries = new ArrayList<>();
        for (SimSite site : sites) {
            for (List<String> productScopes : site.scopesByProduct()) {
                List<String> scopes = productScopes;
                if (shuffled) {
                    scopes = new ArrayList<>(productScopes);
                    Collections.shuffle(scopes, ThreadLocalRandom.current());
                }
                entries.add(new Entry(site, scopes));
            }
        }
        if (shuffled) {
            Collections.shuffle(entries, ThreadLocalRandom.current());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 * Math.max(1, entries.size()));
        // Written field by field: the same bytes Jackson made of the old maps, without going through a map.
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            json.writeStartArray();
            for (Entry entry : entries) {
                json.writeStartObject();
                json.writeStringField("id", entry.site().cloudId());
                json.writeStringField("name", entry.site().name());
                json.writeStringField("url", entry.site().url());
                json.writeArrayFieldStart("scopes");
                for (String scope : entry.scopes()) {
                    json.writeString(scope);
                }
                json.writeEndArray();
                json.writeStringField("avatarUrl", entry.site().avatarUrl());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        return out.toByteArray();
    }

    private void token(Request request, Response response) throws IOException, InterruptedException {
        Fault fault = nextRefreshFaults.poll();
        Duration own = refreshLatency;
        pause(own != null ? own : latency);
        CountDownLatch gate = tokenGate;
        if (gate != null) {
            tokenCallsHeld.incrementAndGet();
            try {
                gate.await();
            } finally {
                tokenCallsHeld.decrementAndGet();
            }
        }
        if (fault != null && fail(request, response, fault)) {
            return;
        }
        JsonNode body = readJsonObject(request.getInputStream());
        if (body == null) {
            sendError(response, 400, "invalid_request", "The body must be a JSON object.");
        } else if (!List.of("refresh_token", "authorization_code").contains(body.path("grant_type").asText())) {
            sendError(response, 400, "unsupported_grant_type", "Only refresh_token and authorization_code are supported here.");
        } else if (!CLIENT_ID.equals(body.path("client_id").asText()) || !CLIENT_SECRET.equals(body.path("client_secret").asText())) {
            sendError(response, 401, "access_denied", "Unauthorized");
        } else if (body.path("grant_type").asText().equals("authorization_code")) {
            consents.exchange(body, response);
        } else if (!body.path("refresh_token").isTextual()) {
            sendError(response, 400, "invalid_request", "refresh_token is missing.");
        } else {
            refresh(response, body.path("refresh_token").textValue());
        }
    }

    private void refresh(Response response, String presented) throws IOException {
        SimGrant grant = grantsByToken.get(presented);
        Optional<SimGrant.Issued> issued = grant == null ? Optional.empty() : grant.refresh(presented, clock.instant());
        if (issued.isEmpty()) {
            send(response, 403, JSON, INVALID_GRANT);
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
        send(response, 200, JSON, MAPPER.writeValueAsBytes(body));
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
    private boolean fail(Request request, Response response, Fault fault) throws IOException, InterruptedException {
        switch (fault) {
            case SERVER_ERROR -> send(response, 503, JSON, SERVICE_UNAVAILABLE);
            case BAD_GATEWAY_HTML -> send(response, 502, HTML, BAD_GATEWAY);
            case RATE_LIMITED -> {
                Duration wait = retryAfter;
                response.setHeader("Retry-After", Long.toString(wait.toSeconds()));
                response.setHeader("X-RateLimit-Reset", clock.instant().plus(wait).toString());
                response.setHeader("X-RateLimit-Remaining", "0");
                send(response, 429, JSON, TOO_MANY_REQUESTS);
            }
            case MALFORMED_JSON -> send(response, 200, JSON, CUT_OFF_JSON);
            case WRONG_SHAPE -> send(response, 200, JSON, OBJECT_NOT_ARRAY);
            case SLOW -> {
                pause(slowDelay);
                return false;
            }
            case RESET -> reset(request);
        }
        return true;
    }

    /** Closes the connection before anything is written: the client gets no answer at all. */
    private static void reset(Request request) {
        request.getHttpChannel().abort(new IOException("connection reset by the Atlassian simulator"));
    }

    private Duration tail() {
        List<Tail> drawn = tails;
        if (drawn.isEmpty()) {
            return Duration.ZERO;
        }
        double at = ThreadLocalRandom.current().nextDouble();
        for (Tail tail : drawn) {
            at -= tail.share();
            if (at < 0) {
                return tail.delay();
            }
        }
        return Duration.ZERO;
    }

    /** Requests run on virtual threads, so a sleep costs no platform thread. */
    private static void pause(Duration duration) throws InterruptedException {
        if (duration.isPositive()) {
            Thread.sleep(duration);
        }
    }

    static void sendError(Response response, int status, String error, String description) throws IOException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        send(response, status, JSON, MAPPER.writeValueAsBytes(body));
    }

    static void send(Response response, int status, String contentType, byte[] body) throws IOException {
        response.setStatus(status);
        // Put as is: setContentType would rewrite "text/html; charset=utf-8" to "text/html;charset=utf-8".
        response.getHttpFields().put(HttpHeader.CONTENT_TYPE, contentType);
        response.setContentLength(body.length);
        // With the length set, this write completes the response: Jetty commits and flushes it at once.
        response.getOutputStream().write(body);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
