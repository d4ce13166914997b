package io.grantwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Application;
import io.grantwatch.Json;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.simulator.SimSiteApis;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.AppHarness;
import io.grantwatch.testing.GrantwatchExtension;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Site API calls through grantwatch, end to end over real HTTP: the real application on a real
 * database, the simulator's site APIs behind it. Removal confirmation is on (PT30S), so that a revoked
 * site seen at once proves that the site's own 401 was taken as the confirmation. Extended once per
 * database.
 */
abstract class ProxyContract {
    static final String API_KEY = AppHarness.API_KEY;
    static final long MAX_BODY = 2L * 1024 * 1024;
    static final SimSite JIRA = SimSite.of("Proxy Jira", "read:jira-user", "read:jira-work", "write:jira-work");
    static final SimSite OTHER = SimSite.of("Proxy Other", "read:jira-user", "read:jira-work");
    static final SimSite WIKI = SimSite.of("Proxy Wiki", "read:confluence-content.all");

    @RegisterExtension
    static final GrantwatchExtension grantwatch = GrantwatchExtension.create().withRefresh()
            .env("GRANTWATCH_POLLING_REMOVALCONFIRMDELAY", "PT30S")
            .env("GRANTWATCH_PROXY_MAXBODYBYTES", String.valueOf(MAX_BODY))
            .env("GRANTWATCH_PROXY_TIMEOUT", "PT1S");

    static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    /** Every answer body and header grantwatch gave, and every token the simulator handed out. */
    static final List<String> answers = new ArrayList<>();
    static final List<SimGrant> simGrants = new ArrayList<>();
    static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    static AtlassianSimulator simulator;
    static ApiClient api;

    @BeforeAll
    static void watchLogs() {
        simulator = grantwatch.simulator();
        api = grantwatch.api();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterAll
    static void noTokenInAnswersOrLogs() {
        try {
            List<String> tokens = new ArrayList<>();
            for (SimGrant grant : simGrants) {
                tokens.add(grant.accessToken());
                tokens.add(grant.refreshToken());
            }
            if (grantwatch.app() != null) {
                assertThat(tokens).isNotEmpty();
            }
            List<String> logLines = logs.list.stream().map(event -> event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage())).toList();
            for (String token : tokens) {
                assertThat(answers).noneMatch(answer -> answer.contains(token));
                assertThat(logLines).noneMatch(line -> line.contains(token));
            }
        } finally {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
            answers.clear();
            simGrants.clear();
        }
    }

    // ---- helpers ----

    static SimGrant simGrant(SimSite... sites) {
        SimGrant grant = simulator.newGrant();
        grant.setSites(List.of(sites));
        simGrants.add(grant);
        return grant;
    }

    /** Registers the grant with its refresh token and waits for its first check. */
    static long register(SimGrant grant) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accessToken", grant.accessToken());
        body.put("refreshToken", grant.refreshToken());
        body.put("expiresIn", Duration.between(java.time.Instant.now(), grant.accessTokenExpiresAt()).toSeconds());
        ApiClient.Response response = api.post("/v1/grants", body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        long id = response.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/grants/" + id).json().get("status").asText().equals("HEALTHY"));
        return id;
    }

    static String proxyUrl(long grantId, String product, String cloudId, String pathAndQuery) {
        return "http://127.0.0.1:" + grantwatch.app().port() + "/v1/grants/" + grantId + "/proxy/ex/" + product + "/" + cloudId + "/" + pathAndQuery;
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            answers.add(response.body());
            answers.add(response.headers().map().toString());
            return response;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static HttpRequest.Builder proxied(long grantId, String product, String cloudId, String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(proxyUrl(grantId, product, cloudId, pathAndQuery)))
                .header("Authorization", "Bearer " + API_KEY)
                .timeout(Duration.ofSeconds(60));
    }

    static HttpRequest.Builder direct(SimGrant grant, String product, String cloudId, String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/ex/" + product + "/" + cloudId + "/" + pathAndQuery))
                .header("Authorization", "Bearer " + grant.accessToken());
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    static List<JsonNode> events(long grantId, String type) {
        JsonNode page = api.get("/v1/events?after=0&limit=1000&grantId=" + grantId + "&type=" + type).json();
        return StreamSupport.stream(page.get("events").spliterator(), false).toList();
    }

    static double metric(String name, String labels) {
        String text = api.get("/metrics").body();
        return text.lines().filter(line -> line.startsWith(name + "{") && line.contains(labels))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** The headers a proxy must pass on as they are: all but hop-by-hop ones and those the server sets itself. */
    static Map<String, List<String>> endToEnd(HttpHeaders headers) {
        Set<String> perHop = Set.of("connection", "keep-alive", "proxy-authenticate", "transfer-encoding", "date", "grantwatch-access");
        Map<String, List<String>> kept = new LinkedHashMap<>();
        headers.map().forEach((name, values) -> {
            if (!perHop.contains(name.toLowerCase(Locale.ROOT))) {
                kept.put(name.toLowerCase(Locale.ROOT), values);
            }
        });
        return kept;
    }

    // ---- tests ----

    @Test
    void aProxiedGetArrivesAsSentButForTheTokenAndItsAnswerComesBackAsItIs() {
        SimGrant grant = simGrant(JIRA);
        long id = register(grant);
        String path = "sim/echo/a%20b/c%3Bd?q=x%2Fy&q=2&jql=project%20%3D%20ABC";
        HttpResponse<String> answer = send(proxied(id, "jira", JIRA.cloudId(), path)
                .header("Accept", "application/json")
                .header("X-Atlassian-Token", "no-check")
                .header("X-Custom", "one")
                .header("Cookie", "session=secret")
                .header("Grantwatch-Require-Scope", "read:jira-work")
                .GET());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Grantwatch-Access")).hasValue("ok");
        JsonNode echo = json(answer);
        assertThat(echo.get("method").asText()).isEqualTo("GET");
        assertThat(echo.get("path").asText()).isEqualTo("/ex/jira/" + JIRA.cloudId() + "/sim/echo/a%20b/c%3Bd");
        assertThat(echo.get("query").asText()).isEqualTo("q=x%2Fy&q=2&jql=project%20%3D%20ABC");
        assertThat(echo.at("/headers/authorization").toString()).isEqualTo("[\"Bearer <access token of " + grant.id() + ">\"]");
        assertThat(echo.at("/headers/accept/0").asText()).isEqualTo("application/json");
        assertThat(echo.at("/headers/x-atlassian-token/0").asText()).isEqualTo("no-check");
        assertThat(echo.at("/headers/x-custom/0").asText()).isEqualTo("one");
        assertThat(echo.get("headers").has("cookie")).isFalse();
        assertThat(echo.get("headers").has("grantwatch-require-scope")).isFalse();

        // Hop-by-hop headers stay on their hop; the others come back as the site sent them.
        assertThat(answer.headers().allValues("X-Sim-Multi")).containsExactly("one", "two");
        assertThat(answer.headers().firstValue("Keep-Alive")).isEmpty();
        assertThat(answer.headers().firstValue("Proxy-Authenticate")).isEmpty();
    }

    @Test
    void theAnswerIsTheSitesExactly() {
        SimGrant grant = simGrant(JIRA);
        long id = register(grant);
        HttpResponse<String> viaGrantwatch = send(proxied(id, "jira", JIRA.cloudId(), "rest/api/3/myself").GET());
        HttpResponse<String> direct = send(direct(grant, "jira", JIRA.cloudId(), "rest/api/3/myself").GET());
        assertThat(viaGrantwatch.statusCode()).isEqualTo(direct.statusCode()).isEqualTo(200);
        assertThat(viaGrantwatch.body()).isEqualTo(direct.body());
        assertThat(endToEnd(viaGrantwatch.headers())).isEqualTo(endToEnd(direct.headers()));
        assertThat(viaGrantwatch.headers().allValues("Date")).isEqualTo(direct.headers().allValues("Date").isEmpty()
                ? List.of() : viaGrantwatch.headers().allValues("Date").subList(0, 1));

        HttpResponse<String> head = send(proxied(id, "jira", JIRA.cloudId(), "rest/api/3/myself")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Length")).isEqualTo(direct.headers().firstValue("Content-Length"));

        HttpResponse<String> notFound = send(proxied(id, "jira", JIRA.cloudId(), "rest/api/3/nothing").GET());
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.body()).isEqualTo("{\"code\":404,\"message\":\"Not Found\"}");

        HttpResponse<String> redirect = send(proxied(id, "jira", JIRA.cloudId(), "sim/echo?status=302").GET());
        assertThat(redirect.statusCode()).as("redirects are passed back, not followed").isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).hasValue("http://127.0.0.1:9/elsewhere");
    }

    @Test
    void aPostWithABodyArrivesExactly() throws Exception {
        SimGrant grant = simGrant(JIRA);
        long id = register(grant);
        String body = "{\"fields\":{\"summary\":\"Ünïcödé ✓\",\"project\":{\"key\":\"ABC\"}}}";
        HttpResponse<String> answer = send(proxied(id, "jira", JIRA.cloudId(), "sim/echo/rest/api/3/issue?status=201")
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(answer.statusCode()).isEqualTo(201);
        JsonNode echo = json(answer);
        assertThat(echo.get("method").asText()).isEqualTo("POST");
        assertThat(echo.get("body").asText()).isEqualTo(body);
        assertThat(echo.get("bodySha256").asText()).isEqualTo(sha256(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(echo.at("/headers/content-type/0").asText()).isEqualTo("application/json; charset=utf-8");
        assertThat(echo.at("/headers/content-length/0").asText()).isEqualTo(String.valueOf(body.getBytes(StandardCharsets.UTF_8).length));

        // Without a declared length (chunked) it streams as well.
        byte[] large = new byte[(int) MAX_BODY];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) SimSiteApis.contentByte(i);
        }
        HttpResponse<String> chunked = send(proxied(id, "jira", JIRA.cloudId(), "sim/echo")
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(large))));
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(200);
        assertThat(json(chunked).get("bodyLength").asLong()).isEqualTo(large.length);
        assertThat(json(chunked).get("bodySha256").asText()).isEqualTo(sha256(large));
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413() {
        SimGrant grant = simGrant(JIRA);
        long id = register(grant);
        byte[] tooLarge = new byte[(int) MAX_BODY + 1];
        long before = simulator.siteApis().requestCount();
        HttpResponse<String> declared = send(proxied(id, "jira", JIRA.cloudId(), "sim/echo")
                .POST(HttpRequest.BodyPublishers.ofByteArray(tooLarge)));
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(json(declared).get("error").asText()).isEqualTo("payload_too_large");
        assertThat(simulator.siteApis().requestCount()).as("refused before any call").isEqualTo(before);

        HttpResponse<String> chunked = send(proxied(id, "jira", JIRA.cloudId(), "sim/echo")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(tooLarge))));
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(json(chunked).get("error").asText()).isEqualTo("payload_too_large");
    }

    @Test
    void aSiteThatTakesTooLongIs504() {
        SimGrant grant = simGrant(JIRA);
        long id = register(grant);
        HttpResponse<String> answer = send(proxied(id, "jira", JIRA.cloudId(), "sim/echo?delayMs=3000").GET());
        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(json(answer).get("error").asText()).isEqualTo("site_timeout");
    }

    @Test
    void aSiteRevokedInTheSimulatorIsKnownFromTheFirstFailedCallAndTheNextOneIsRefused() {
        SimGrant grant = simGrant(JIRA, OTHER);
        long id = register(grant);
        grant.removeSite(OTHER.cloudId());

        HttpResponse<String> first = send(proxied(id, "jira", OTHER.cloudId(), "rest/api/3/myself").GET());
        assertThat(first.statusCode()).isEqualTo(401);
        assertThat(first.body()).isEqualTo("{\"code\":401,\"message\":\"Unauthorized; scope does not match\"}");
        assertThat(first.headers().firstValue("Grantwatch-Access")).hasValue("site_not_granted");
        // Already in the feed when the answer came, although removals wait PT30S for a second answer.
        List<JsonNode> revoked = events(id, "site.revoked");
        assertThat(revoked).hasSize(1);
        assertThat(revoked.getFirst().get("cloudId").asText()).isEqualTo(OTHER.cloudId());

        long before = simulator.siteApis().requestCount();
        HttpResponse<String> next = send(proxied(id, "jira", OTHER.cloudId(), "rest/api/3/myself").GET());
        assertThat(next.statusCode()).isEqualTo(403);
        assertThat(json(next).get("error").asText()).isEqualTo("site_not_granted");
        assertThat(next.headers().firstValue("Grantwatch-Access")).hasValue("site_not_granted");
        assertThat(simulator.siteApis().requestCount()).as("the site is not called").isEqualTo(before);

        // The site that stays is still called.
        assertThat(send(proxied(id, "jira", JIRA.cloudId(), "rest/api/3/myself").GET()).statusCode()).isEqualTo(200);
    }

    @Test
    void concurrentRefusedCallsShareOneCheck() throws Exception {
        SimGrant grant = simGrant(JIRA, OTHER);
        long id = register(grant);
        grant.removeSite(OTHER.cloudId());
        simulator.setLatency(Duration.ofMillis(700));
        try {
            long checksBefore = grant.requestCount();
            List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(() -> send(proxied(id, "jira", OTHER.cloudId(), "rest/api/3/myself").GET()));
            }
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Future<HttpResponse<String>> answer : pool.invokeAll(calls)) {
                    HttpResponse<String> response = answer.get();
                    assertThat(response.statusCode()).isIn(401, 403);
                    assertThat(response.headers().firstValue("Grantwatch-Access")).hasValue("site_not_granted");
                }
            }
            assertThat(grant.requestCount() - checksBefore).as("accessible-resources calls").isBetween(1L, 2L);
        } finally {
            simulator.setLatency(Duration.ZERO);
        }
        assertThat(events(id, "site.revoked")).hasSize(1);
    }

    @Test
    void refusalsFromTheLatestState() {
        SimGrant grant = simGrant(JIRA);
        long id = register(grant);
        long before = simulator.siteApis().requestCount();
        HttpResponse<String> notGranted = send(proxied(id, "confluence", WIKI.cloudId(), "wiki/rest/api/space").GET());
        assertThat(notGranted.statusCode()).isEqualTo(403);
        assertThat(json(notGranted).get("error").asText()).isEqualTo("site_not_granted");

        HttpResponse<String> missing = send(proxied(id, "jira", JIRA.cloudId(), "rest/api/3/myself")
                .header("Grantwatch-Require-Scope", "read:jira-work manage:jira-project write:jira-work").GET());
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(json(missing).get("error").asText()).isEqualTo("scope_missing");
        assertThat(json(missing).get("missingScopes").toString()).isEqualTo("[\"manage:jira-project\"]");
        assertThat(missing.headers().firstValue("Grantwatch-Access")).hasValue("scope_missing");
        assertThat(simulator.siteApis().requestCount()).isEqualTo(before);

        grant.revoke();
        assertThat(api.post("/v1/grants/" + id + "/check", null).json().get("status").asText()).isEqualTo("REVOKED");
        HttpResponse<String> revoked = send(proxied(id, "jira", JIRA.cloudId(), "rest/api/3/myself").GET());
        assertThat(revoked.statusCode()).isEqualTo(403);
        assertThat(json(revoked).get("error").asText()).isEqualTo("grant_revoked");
        assertThat(simulator.siteApis().requestCount()).isEqualTo(before);

        assertThat(send(proxied(987654, "jira", JIRA.cloudId(), "rest/api/3/myself").GET()).statusCode()).isEqualTo(404);
    }

    @Test
    void aPendingGrantIsCheckedFirst() {
        SimGrant grant = simGrant(JIRA);
        // Slow first check: the proxied call comes while the grant is still PENDING.
        simulator.setLatency(Duration.ofMillis(500));
        long id;
        try {
            Map<String, Object> body = Map.of("accessToken", grant.accessToken(), "refreshToken", grant.refreshToken(),
                    "expiresIn", 3600);
            id = api.post("/v1/grants", body).json().get("id").asLong();
            HttpResponse<String> answer = send(proxied(id, "jira", JIRA.cloudId(), "rest/api/3/myself").GET());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Grantwatch-Access")).hasValue("ok");
        } finally {
            simulator.setLatency(Duration.ZERO);
        }
        assertThat(api.get("/v1/grants/" + id).json().get("status").asText()).isEqualTo("HEALTHY");
    }

    @Test
    void aTokenAboutToExpireIsRefreshedBeforeTheCall() {
        // Tokens that live 3 minutes are always within tokens.refreshMargin (PT5M) of their end.
        simulator.setAccessTokenLifetime(Duration.ofMinutes(3));
        try {
            SimGrant grant = simGrant(JIRA);
            grant.consentAgain();
            long id = register(grant);
            long refreshes = grant.refreshCount();
            HttpResponse<String> answer = send(proxied(id, "jira", JIRA.cloudId(), "rest/api/3/myself").GET());
            // The simulator forgets an access token when it is refreshed: a 200 means the new one was sent.
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(grant.refreshCount()).isEqualTo(refreshes + 1);
        } finally {
            simulator.setAccessTokenLifetime(Duration.ofHours(1));
        }
    }

    @Test
    void aRateLimitPassesThroughWithItsHeadersAndDoesNotPauseMonitoring() {
        SimGrant grant = simGrant(JIRA);
        long id = register(grant);
        double limitedBefore = metric("grantwatch_proxy_rate_limited_total", "product=\"jira\"");
        double signalsBefore = metric("grantwatch_ratelimit_signals_total", "");
        HttpResponse<String> answer = send(proxied(id, "jira", JIRA.cloudId(), "rest/api/3/sim/rate-limited").GET());
        assertThat(answer.statusCode()).isEqualTo(429);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(answer.headers().firstValue("X-RateLimit-Limit")).hasValue("100");
        assertThat(answer.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(answer.headers().firstValue("X-RateLimit-Reset")).isPresent();
        assertThat(answer.headers().firstValue("RateLimit-Reason")).hasValue("jira-burst-based");
        assertThat(metric("grantwatch_proxy_rate_limited_total", "product=\"jira\"")).isEqualTo(limitedBefore + 1);
        assertThat(metric("grantwatch_ratelimit_signals_total", "")).isEqualTo(signalsBefore);
        // A check right after is not held back for the Retry-After.
        long started = System.nanoTime();
        assertThat(api.post("/v1/grants/" + id + "/check", null).json().get("status").asText()).isEqualTo("HEALTHY");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void pathTricksAreRefusedBeforeAnyCall() {
        SimGrant grant = simGrant(JIRA);
        long id = register(grant);
        long before = simulator.siteApis().requestCount();
        double counted = metric("grantwatch_proxy_refusals_total", "reason=\"invalid_path\"");
        for (String path : List.of("rest/../../../oauth/token", "%2e%2e/%2e%2e/oauth/token", "a/%252e%252e/b", "rest%2fapi",
                "rest%5capi", "a/%255c/b", "..;/x", "a//b")) {
            HttpResponse<String> answer = send(proxied(id, "jira", JIRA.cloudId(), path).GET());
            assertThat(answer.statusCode()).as(path).isEqualTo(400);
            assertThat(json(answer).get("error").asText()).as(path).isEqualTo("invalid_path");
        }
        assertThat(send(proxied(id, "bitbucket", JIRA.cloudId(), "x").GET()).statusCode()).isEqualTo(400);
        assertThat(send(proxied(id, "jira", "not-a-cloud-id", "x").GET()).statusCode()).isEqualTo(400);
        assertThat(simulator.siteApis().requestCount()).isEqualTo(before);
        assertThat(metric("grantwatch_proxy_refusals_total", "reason=\"invalid_path\"")).isEqualTo(counted + 10);
    }

    @Test
    void metricsCountCallsRefusalsAndTheTimeGrantwatchAdds() {
        SimGrant grant = simGrant(JIRA);
        long id = register(grant);
        double ok = metric("grantwatch_proxy_calls_total", "status=\"2xx\"");
        double refused = metric("grantwatch_proxy_refusals_total", "reason=\"site_not_granted\"");
        send(proxied(id, "jira", JIRA.cloudId(), "rest/api/3/myself").GET());
        send(proxied(id, "confluence", WIKI.cloudId(), "wiki/rest/api/space").GET());
        assertThat(metric("grantwatch_proxy_calls_total", "product=\"jira\",status=\"2xx\"")).isGreaterThanOrEqualTo(1);
        assertThat(metric("grantwatch_proxy_calls_total", "status=\"2xx\"")).isEqualTo(ok + 1);
        assertThat(metric("grantwatch_proxy_refusals_total", "reason=\"site_not_granted\"")).isEqualTo(refused + 1);
        assertThat(api.get("/metrics").body()).contains("grantwatch_proxy_overhead_seconds_count");
    }

    @Test
    void everyCallIsAuditedRefusedOnesToo() {
        SimGrant grant = simGrant(JIRA);
        long id = register(grant);
        send(proxied(id, "jira", JIRA.cloudId(), "rest/api/3/myself?expand=groups").GET());
        send(proxied(id, "confluence", WIKI.cloudId(), "wiki/rest/api/space").GET());
        send(proxied(id, "jira", JIRA.cloudId(), "%2e%2e/x").GET());
        List<String> entries = new ArrayList<>();
        // Written just after each answer went out.
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/audit?limit=1000&grantId=" + id).json().get("entries").size() == 3);
        for (JsonNode entry : api.get("/v1/audit?limit=1000&grantId=" + id).json().get("entries")) {
            entries.add(entry.get("key").asText() + " " + entry.get("action").asText() + " " + entry.get("status").asInt());
        }
        assertThat(entries).containsExactlyInAnyOrder(
                "apiKey proxy GET jira " + JIRA.cloudId() + " rest/api/3/myself 200",
                "apiKey proxy GET confluence " + WIKI.cloudId() + " wiki/rest/api/space 403",
                "apiKey proxy GET jira " + JIRA.cloudId() + " ../x 400");
    }

    @Test
    void thePreflightIsAnsweredFromMemory() {
        SimGrant grant = simGrant(JIRA);
        long id = register(grant);
        String preflight = "/v1/grants/" + id + "/access?cloudId=" + JIRA.cloudId() + "&scope=read:jira-work";
        assertThat(api.get(preflight).json().get("reason").asText()).isEqualTo("ok");
        double reads = metric("grantwatch_access_state_reads_total", "");
        for (int i = 0; i < 50; i++) {
            assertThat(api.get(preflight).json().get("allowed").asBoolean()).isTrue();
            send(proxied(id, "jira", JIRA.cloudId(), "rest/api/3/myself").GET());
        }
        // At most one read more, should the state have reached its maximum age meanwhile.
        assertThat(metric("grantwatch_access_state_reads_total", "")).isLessThanOrEqualTo(reads + 1);
    }

    @Test
    void aChangeMadeByAnotherNodeIsSeenWithinASecond() {
        SimGrant grant = simGrant(JIRA);
        long id = register(grant);
        try (Application other = AppHarness.start(grantwatch.environment())) {
            ApiClient otherApi = new ApiClient(other.port(), API_KEY);
            String preflight = "/v1/grants/" + id + "/access?cloudId=" + JIRA.cloudId() + "&scope=write:jira-work";
            assertThat(otherApi.get(preflight).json().get("reason").asText()).isEqualTo("ok");

            grant.setScopes(JIRA.cloudId(), "read:jira-user", "read:jira-work");
            assertThat(api.post("/v1/grants/" + id + "/check", null).status()).isEqualTo(200);
            long changed = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> otherApi.get(preflight).json().get("reason").asText().equals("scope_missing"));
            Duration seenAfter = Duration.ofNanos(System.nanoTime() - changed);
            System.out.println("[measured] a change made on one node, seen by the other after " + seenAfter.toMillis() + " ms");
            assertThat(seenAfter).isLessThan(Duration.ofSeconds(1));

            HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.port()
                    + "/v1/grants/" + id + "/proxy/ex/jira/" + JIRA.cloudId() + "/rest/api/3/myself"))
                    .header("Authorization", "Bearer " + API_KEY).header("Grantwatch-Require-Scope", "write:jira-work").GET());
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(json(refused).get("error").asText()).isEqualTo("scope_missing");
        }
    }

    /**
     * A download four times the heap it may take: while the caller holds it half read, the heap after
     * a collection has not grown by anywhere near its size, so the body cannot be held in memory.
     */
    @Test
    void aLargeDownloadStreamsWithBoundedHeap() throws Exception {
        SimGrant grant = simGrant(WIKI);
        long id = register(grant);
        long size = 32L * 1024 * 1024;
        long allowedGrowth = 8L * 1024 * 1024;
        long baseline = heapAfterCollection();
        long downloadsBefore = simulator.siteApis().downloadBytesWritten();
        HttpRequest request = proxied(id, "confluence", WIKI.cloudId(), "wiki/download/attachments/1/big.bin?bytes=" + size)
                .GET().build();
        HttpResponse<InputStream> answer = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValueAsLong("Content-Length")).hasValue(size);
        long index = 0;
        long heldHalfRead = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = answer.body()) {
            for (int read; (read = in.read(buffer)) >= 0; ) {
                for (int i = 0; i < read; i++, index++) {
                    if (buffer[i] != (byte) SimSiteApis.contentByte(index)) {
                        throw new AssertionError("byte " + index + " differs");
                    }
                }
                if (heldHalfRead == 0 && index >= size / 2) {
                    // The caller reads nothing until every buffer on the way is full: the site's writes stop advancing.
                    long[] last = {-1};
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                        long written = simulator.siteApis().downloadBytesWritten();
                        boolean stopped = written == last[0];
                        last[0] = written;
                        return stopped;
                    });
                    assertThat(last[0]).as("the site was held back, not done").isLessThan(
                            downloadsBefore + size);
                    heldHalfRead = heapAfterCollection();
                }
            }
        }
        assertThat(index).isEqualTo(size);
        assertThat(heldHalfRead - baseline).as("heap growth while the download is held").isLessThan(allowedGrowth);
    }

    static long heapAfterCollection() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
