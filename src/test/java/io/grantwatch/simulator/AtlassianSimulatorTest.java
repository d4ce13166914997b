package io.grantwatch.simulator;

import io.grantwatch.testing.SettableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator's wire behaviour, seen by a plain HTTP client. */
class AtlassianSimulatorTest {
    static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();
    static final SimSite EVERYTHING = SimSite.of("globex",
            "read:jira-work", "write:jira-work", "read:servicedesk-request", "read:confluence-content.all");

    final SettableClock clock = new SettableClock(START);
    AtlassianSimulator simulator;
    HttpClient http;
    SimGrant grant;

    @BeforeEach
    void start() {
        simulator = AtlassianSimulator.start(clock);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        grant = simulator.newGrant();
        grant.setSites(List.of(EVERYTHING));
    }

    @AfterEach
    void stop() {
        http.close();
        simulator.close();
    }

    HttpResponse<String> get(String accessToken) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(simulator.baseUrl().resolve("/oauth/token/accessible-resources"))
                .header("Authorization", "Bearer " + accessToken)
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(simulator.baseUrl().resolve("/oauth/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> refresh(String refreshToken) throws IOException, InterruptedException {
        return post(JSON.createObjectNode()
                .put("grant_type", "refresh_token")
                .put("client_id", simulator.clientId())
                .put("client_secret", simulator.clientSecret())
                .put("refresh_token", refreshToken)
                .toString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Test
    void aSiteOfSeveralProductsComesAsOneEntryPerProduct() throws Exception {
        simulator.setShuffle(false);

        JsonNode entries = json(get(grant.accessToken()));

        assertThat(entries).hasSize(3);
        for (JsonNode entry : entries) {
            assertThat(entry.get("id").asText()).isEqualTo(EVERYTHING.cloudId());
            assertThat(entry.get("name").asText()).isEqualTo("globex");
            assertThat(entry.get("url").asText()).isEqualTo("https://globex.atlassian.net");
        }
        assertThat(entries.get(0).get("scopes")).extracting(JsonNode::asText).containsExactly("read:jira-work", "write:jira-work");
        assertThat(entries.get(1).get("scopes")).extracting(JsonNode::asText)
                .containsExactly("read:servicedesk-request", "read:jira-work", "write:jira-work");
        assertThat(entries.get(2).get("scopes")).extracting(JsonNode::asText).containsExactly("read:confluence-content.all");
    }

    @Test
    void answersComeInARandomOrderUnlessShuffleIsOff() throws Exception {
        grant.addSite(SimSite.of("acme", "read:jira-work", "read:jira-user", "write:jira-work", "manage:jira-project"));
        Set<String> shuffled = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            shuffled.add(get(grant.accessToken()).body());
        }
        simulator.setShuffle(false);
        Set<String> stable = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            stable.add(get(grant.accessToken()).body());
        }

        assertThat(shuffled).hasSizeGreaterThan(1);
        assertThat(stable).hasSize(1);
    }

    @Test
    void aRefusedTokenGetsAtlassiansUnauthorizedBody() throws Exception {
        HttpResponse<String> response = get("sim-at-nobody");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("{\"code\":401,\"message\":\"Unauthorized\"}");
        assertThat(http.send(HttpRequest.newBuilder(simulator.baseUrl().resolve("/oauth/token/accessible-resources")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }

    @Test
    void accessTokensLiveAsLongAsConfiguredOnTheSimulatorsClock() throws Exception {
        simulator.setAccessTokenLifetime(Duration.ofMinutes(30));
        SimGrant fresh = simulator.newGrant();

        assertThat(fresh.accessTokenExpiresAt()).isEqualTo(START.plus(Duration.ofMinutes(30)));
        clock.tick(Duration.ofMinutes(29));
        assertThat(get(fresh.accessToken()).statusCode()).isEqualTo(200);
        clock.tick(Duration.ofMinutes(1));
        assertThat(get(fresh.accessToken()).statusCode()).isEqualTo(401);
    }

    @Test
    void theRefreshAnswerHasAtlassiansShape() throws Exception {
        JsonNode answer = json(refresh(grant.refreshToken()));

        assertThat(answer.get("access_token").asText()).isEqualTo(grant.accessToken()).startsWith("sim-at-");
        assertThat(answer.get("refresh_token").asText()).isEqualTo(grant.refreshToken()).startsWith("sim-rt-");
        assertThat(answer.get("expires_in").asLong()).isEqualTo(3600);
        assertThat(answer.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(answer.get("scope").asText()).isEqualTo(
                "offline_access read:confluence-content.all read:jira-work read:servicedesk-request write:jira-work");
        assertThat(simulator.refreshCount()).isEqualTo(1);
    }

    @Test
    void theReuseLeewayCountsFromWhenATokenWasRetired() throws Exception {
        String first = grant.refreshToken();
        assertThat(refresh(first).statusCode()).isEqualTo(200);

        clock.tick(Duration.ofMinutes(9));
        assertThat(refresh(first).statusCode()).isEqualTo(200);
        clock.tick(Duration.ofMinutes(1));
        HttpResponse<String> late = refresh(first);

        assertThat(late.statusCode()).isEqualTo(403);
        assertThat(json(late).get("error").asText()).isEqualTo("invalid_grant");
        assertThat(simulator.retiredRefreshTokenPresentations()).isEqualTo(2);
        assertThat(grant.isRevoked()).isTrue();
        assertThat(refresh(grant.refreshToken()).statusCode()).isEqualTo(403);
        assertThat(get(grant.accessToken()).statusCode()).isEqualTo(401);
    }

    @Test
    void theTokenEndpointRejectsWhatIsNotAJsonRefresh() throws Exception {
        HttpResponse<String> form = post("grant_type=refresh_token&refresh_token=" + grant.refreshToken());
        assertThat(form.statusCode()).isEqualTo(400);
        assertThat(json(form).get("error").asText()).isEqualTo("invalid_request");

        assertThat(post("[]").statusCode()).isEqualTo(400);
        assertThat(json(post("{\"grant_type\":\"client_credentials\"}")).get("error").asText()).isEqualTo("unsupported_grant_type");

        HttpResponse<String> wrongClient = post("{\"grant_type\":\"refresh_token\",\"client_id\":\"sim-client\","
                + "\"client_secret\":\"guess\",\"refresh_token\":\"" + grant.refreshToken() + "\"}");
        assertThat(wrongClient.statusCode()).isEqualTo(401);
        assertThat(json(wrongClient).get("error").asText()).isEqualTo("access_denied");
        assertThat(grant.refreshCount()).isZero();
    }

    @Test
    void unknownPathsAndMethods() throws Exception {
        HttpRequest getToken = HttpRequest.newBuilder(simulator.baseUrl().resolve("/oauth/token")).build();
        HttpRequest other = HttpRequest.newBuilder(simulator.baseUrl().resolve("/oauth/token/other")).build();

        assertThat(http.send(getToken, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(405);
        assertThat(http.send(other, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
    }

    @Test
    void rateLimitedAnswersSayWhenToComeBack() throws Exception {
        simulator.setRetryAfter(Duration.ofSeconds(30));
        simulator.failNext(1, Fault.RATE_LIMITED);

        HttpResponse<String> response = get(grant.accessToken());

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(response.headers().firstValue("X-RateLimit-Reset")).hasValue("2025-03-01T12:00:30Z");
    }

    @Test
    void aResetAnswersNothing() {
        simulator.failAlways(Fault.RESET);

        assertThatThrownBy(() -> get(grant.accessToken())).isInstanceOf(IOException.class);
    }

    @Test
    void latencyDelaysEveryAnswer() throws Exception {
        simulator.setLatency(Duration.ofMillis(200));

        long started = System.nanoTime();
        assertThat(get("sim-at-nobody").statusCode()).isEqualTo(401);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void theTokenEndpointHasALatencyOfItsOwn() throws Exception {
        simulator.setLatency(Duration.ofMillis(200));
        simulator.setRefreshLatency(Duration.ofMillis(600));

        long started = System.nanoTime();
        assertThat(refresh(grant.refreshToken()).statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(600));

        // accessible-resources keeps the general latency, and is not slowed down to the token endpoint's
        started = System.nanoTime();
        assertThat(get(grant.accessToken()).statusCode()).isEqualTo(200);
        Duration resources = Duration.ofNanos(System.nanoTime() - started);
        assertThat(resources).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofMillis(600));

        // null: the token endpoint follows the general latency again
        simulator.setRefreshLatency(null);
        simulator.setLatency(Duration.ofMillis(300));
        started = System.nanoTime();
        assertThat(refresh(grant.refreshToken()).statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void theTokenEndpointCanBeHeldAtAGate() throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        simulator.holdTokenEndpointUntil(gate);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HttpResponse<String>> held = threads.submit(() -> refresh(grant.refreshToken()));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> simulator.tokenCallsHeld() == 1);
            // accessible-resources is not held
            assertThat(get(grant.accessToken()).statusCode()).isEqualTo(200);
            assertThat(held.isDone()).isFalse();
            assertThat(simulator.refreshCount()).isZero();

            gate.countDown();
            assertThat(held.get().statusCode()).isEqualTo(200);
        }
        assertThat(simulator.tokenCallsHeld()).isZero();
        assertThat(simulator.refreshCount()).isEqualTo(1);
    }

    @Test
    void countsRequestsPerGrantAndInTotal() throws Exception {
        SimGrant other = simulator.newGrant();
        get(grant.accessToken());
        get(grant.accessToken());
        get(other.accessToken());
        get("sim-at-nobody");

        assertThat(grant.requestCount()).isEqualTo(2);
        assertThat(other.requestCount()).isEqualTo(1);
        assertThat(simulator.accessibleResourcesRequests()).isEqualTo(4);
    }

    @Test
    void manyConcurrentRequestsAllGetTheirAnswer() throws Exception {
        simulator.setLatency(Duration.ofMillis(20));
        List<SimGrant> grants = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            SimGrant next = simulator.newGrant();
            next.setSites(List.of(EVERYTHING));
            grants.add(next);
        }
        List<Future<Integer>> statuses = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 2000; i++) {
                String token = grants.get(i % grants.size()).accessToken();
                statuses.add(threads.submit(() -> get(token).statusCode()));
            }
        }

        for (Future<Integer> status : statuses) {
            assertThat(status.get()).isEqualTo(200);
        }
        assertThat(simulator.accessibleResourcesRequests()).isEqualTo(2000);
        assertThat(grants).allSatisfy(each -> assertThat(each.requestCount()).isEqualTo(40));
    }

    @Test
    void aGrantShowsNoTokenInToString() {
        assertThat(grant.toString()).doesNotContain(grant.accessToken()).doesNotContain(grant.refreshToken());
    }

    @Test
    void siteHelpers() {
        SimSite site = SimSite.of("Acme Corp", "read:jira-work");

        assertThat(site.url()).isEqualTo("https://acme-corp.atlassian.net");
        assertThat(site.cloudId()).isEqualTo(SimSite.of("Acme Corp").cloudId()).isNotEqualTo(EVERYTHING.cloudId());
        assertThatThrownBy(() -> grant.setScopes("no-such-site", "read:me")).isInstanceOf(IllegalArgumentException.class);
        assertThat(URI.create(site.url()).getHost()).isEqualTo("acme-corp.atlassian.net");
    }
}
