package io.grantwatch.atlassian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.core.Normalizer;
import io.grantwatch.core.Resource;
import io.grantwatch.core.Sites;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.Fault;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.SettableClock;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real client against the real simulator, over HTTP on loopback. */
class AtlassianClientTest {
    static final SimSite JIRA = SimSite.of("acme", "read:jira-work", "write:jira-work", "read:jira-user");
    static final SimSite EVERYTHING = SimSite.of("globex",
            "read:jira-work", "read:servicedesk-request", "read:confluence-content.all", "write:confluence-content");

    AtlassianSimulator simulator;
    AtlassianClient client;
    SimGrant grant;
    /** Every token this test has seen, and every result it got: no result may show a token. */
    final List<String> tokens = new ArrayList<>();
    final List<Object> results = new ArrayList<>();

    @BeforeEach
    void start() {
        simulator = AtlassianSimulator.start();
        client = new AtlassianClient(simulator.baseUrl(), simulator.baseUrl(), Duration.ofSeconds(5));
        grant = simulator.newGrant();
        grant.setSites(List.of(JIRA, EVERYTHING));
    }

    @AfterEach
    void noResultShowsAToken() {
        client.close();
        simulator.close();
        tokens.add(simulator.clientSecret());
        for (Object result : results) {
            for (String token : tokens) {
                assertThat(result.toString()).doesNotContain(token);
            }
        }
    }

    CheckResult check(AtlassianClient client, String accessToken) {
        tokens.add(accessToken);
        CheckResult result = client.accessibleResources(accessToken);
        results.add(result);
        return result;
    }

    CheckResult check() {
        return check(client, grant.accessToken());
    }

    RefreshResult refresh(String refreshToken) {
        tokens.add(refreshToken);
        RefreshResult result = client.refresh(simulator.clientId(), simulator.clientSecret(), refreshToken);
        results.add(result);
        if (result instanceof RefreshResult.Refreshed refreshed) {
            tokens.add(refreshed.accessToken());
            if (refreshed.refreshToken() != null) {
                tokens.add(refreshed.refreshToken());
            }
        }
        return result;
    }

    static Sites expected(SimSite... sites) {
        List<Resource> resources = new ArrayList<>();
        for (SimSite site : sites) {
            resources.add(new Resource(site.cloudId(), site.name(), site.url(), site.scopes(), site.avatarUrl()));
        }
        return Normalizer.normalize(resources);
    }

    static CheckResult.Transient transientCheck(CheckResult result) {
        assertThat(result).isInstanceOf(CheckResult.Transient.class);
        return (CheckResult.Transient) result;
    }

    static RefreshResult.Refreshed refreshed(RefreshResult result) {
        assertThat(result).isInstanceOf(RefreshResult.Refreshed.class);
        return (RefreshResult.Refreshed) result;
    }

    @Test
    void shuffledAndSplitAnswersNormalizeToTheSameSites() {
        Sites expected = expected(JIRA, EVERYTHING);

        for (int i = 0; i < 20; i++) {
            assertThat(check()).isEqualTo(new CheckResult.Valid(expected));
        }
        assertThat(grant.requestCount()).isEqualTo(20);
    }

    @Test
    void aGrantWithNoSiteIsValidAndEmpty() {
        grant.setSites(List.of());

        assertThat(check()).isEqualTo(new CheckResult.Valid(Sites.EMPTY));
    }

    @Test
    void changesToTheGrantShowInTheNextAnswer() {
        grant.removeSite(EVERYTHING.cloudId());
        grant.setScopes(JIRA.cloudId(), "read:jira-work");
        grant.rename(JIRA.cloudId(), "Acme Corp");

        assertThat(check()).isEqualTo(new CheckResult.Valid(expected(JIRA.withName("Acme Corp").withScopes(List.of("read:jira-work")))));
    }

    @Test
    void anUnknownTokenIsRefused() {
        assertThat(check(client, "sim-at-unknown")).isEqualTo(new CheckResult.TokenRefused(401));
    }

    @Test
    void serverErrors() {
        simulator.failNext(1, Fault.SERVER_ERROR);

        assertThat(transientCheck(check()).reason()).isEqualTo("server_error");
        assertThat(check()).isInstanceOf(CheckResult.Valid.class);
    }

    @Test
    void htmlFromAProxy() {
        simulator.failNext(1, Fault.BAD_GATEWAY_HTML);

        CheckResult.Transient result = transientCheck(check());
        assertThat(result.reason()).isEqualTo("html_answer");
        assertThat(result.detail()).isEqualTo("HTTP 502 from accessible-resources: an HTML page");
    }

    @Test
    void rateLimitsCarryTheWaitFromRetryAfter() {
        simulator.setRetryAfter(Duration.ofSeconds(42));
        simulator.failNext(1, Fault.RATE_LIMITED);

        CheckResult.Transient result = transientCheck(check());
        assertThat(result.reason()).isEqualTo("rate_limited");
        assertThat(result.retryAfter()).isEqualTo(Duration.ofSeconds(42));
    }

    @Test
    void aRateLimitHoldsTheGateUntilTheClientsClockHasMovedOn() {
        SettableClock clock = new SettableClock();
        RateGate gate = new RateGate(0, clock);
        try (AtlassianSimulator timed = AtlassianSimulator.start(clock);
                AtlassianClient paced = new AtlassianClient(timed.baseUrl(), timed.baseUrl(), Duration.ofSeconds(5), gate, clock)) {
            SimGrant limited = timed.newGrant();
            limited.setSites(List.of(JIRA));
            timed.setRetryAfter(Duration.ofSeconds(42));
            timed.failNext(1, Fault.RATE_LIMITED);

            assertThat(transientCheck(check(paced, limited.accessToken())).reason()).isEqualTo("rate_limited");
            assertThat(gate.reserve()).isEqualTo(Duration.ofSeconds(42));
            clock.tick(Duration.ofSeconds(42));
            assertThat(gate.reserve()).isZero();
        }
    }

    @Test
    void malformedAndWronglyShapedJson() {
        simulator.failNext(1, Fault.MALFORMED_JSON);
        simulator.failNext(1, Fault.WRONG_SHAPE);

        assertThat(transientCheck(check()).reason()).isEqualTo("malformed_json");
        assertThat(transientCheck(check()).reason()).isEqualTo("unexpected_shape");
    }

    @Test
    void aSlowAnswerTimesOut() {
        simulator.setSlowDelay(Duration.ofSeconds(5));
        simulator.failNext(1, Fault.SLOW);

        try (AtlassianClient impatient = new AtlassianClient(simulator.baseUrl(), simulator.baseUrl(), Duration.ofMillis(300))) {
            CheckResult.Transient result = transientCheck(check(impatient, grant.accessToken()));

            assertThat(result.reason()).isEqualTo("timeout");
            assertThat(result.detail()).isEqualTo("no answer from accessible-resources within PT0.3S");
        }
    }

    @Test
    void aDroppedConnectionIsAConnectionFailure() {
        // A GET is sent once more when its connection drops before any answer (a kept-alive connection the
        // server closed just then), so drop both.
        simulator.failNext(2, Fault.RESET);

        assertThat(transientCheck(check()).reason()).isEqualTo("connection_failed");
    }

    @Test
    void aGetWhoseConnectionDropsOnceIsSentAgain() {
        simulator.failNext(1, Fault.RESET);
        long before = simulator.accessibleResourcesRequests();

        assertThat(check()).isEqualTo(new CheckResult.Valid(expected(JIRA, EVERYTHING)));
        assertThat(simulator.accessibleResourcesRequests() - before).as("requests: the dropped one and the answered one").isEqualTo(2);
    }

    @Test
    void aRefreshWhoseConnectionDropsIsNotSentAgain() {
        String refreshToken = grant.refreshToken();
        simulator.failNextRefresh(1, Fault.RESET);

        // Sent again, the refresh would have been answered: the POST is not repeated, the caller decides.
        assertThat(((RefreshResult.Transient) refresh(refreshToken)).reason()).isEqualTo("connection_failed");
        assertThat(refreshed(refresh(refreshToken)).accessToken()).isNotNull();
        assertThat(simulator.retiredRefreshTokenPresentations()).as("the refresh token was not spent by the dropped call").isZero();
    }

    @Test
    void nobodyListeningIsAConnectionFailure() throws Exception {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        try (AtlassianClient nowhere = new AtlassianClient(closed, closed, Duration.ofSeconds(2))) {
            assertThat(transientCheck(check(nowhere, grant.accessToken())).reason()).isEqualTo("connection_failed");
        }
    }

    @Test
    void anAnswerOverFourMebibytesIsRefusedUnread() {
        String longName = "x".repeat(1000);
        grant.setSites(IntStream.range(0, 5000).mapToObj(i -> SimSite.of(longName + i, "read:jira-work")).toList());

        assertThat(transientCheck(check()).reason()).isEqualTo("body_too_large");
    }

    @Test
    void faultsOfOneGrantLeaveTheOthersAlone() {
        SimGrant other = simulator.newGrant();
        grant.failNext(1, Fault.SERVER_ERROR);

        assertThat(check(client, other.accessToken())).isInstanceOf(CheckResult.Valid.class);
        assertThat(transientCheck(check()).reason()).isEqualTo("server_error");
    }

    @Test
    void failAlwaysUntilCleared() {
        simulator.failAlways(Fault.SERVER_ERROR);
        assertThat(transientCheck(check()).reason()).isEqualTo("server_error");
        assertThat(transientCheck(check()).reason()).isEqualTo("server_error");

        simulator.clearFaults();
        assertThat(check()).isInstanceOf(CheckResult.Valid.class);
    }

    @Test
    void refreshRotatesBothTokens() {
        String oldAccess = grant.accessToken();
        String oldRefresh = grant.refreshToken();

        RefreshResult.Refreshed result = refreshed(refresh(oldRefresh));

        assertThat(result.accessToken()).isEqualTo(grant.accessToken()).isNotEqualTo(oldAccess);
        assertThat(result.refreshToken()).isEqualTo(grant.refreshToken()).isNotEqualTo(oldRefresh);
        assertThat(result.expiresIn()).isEqualTo(Duration.ofHours(1));
        assertThat(result.scope()).contains("read:jira-work", "offline_access");
        assertThat(check(client, result.accessToken())).isInstanceOf(CheckResult.Valid.class);
        assertThat(check(client, oldAccess)).isEqualTo(new CheckResult.TokenRefused(401));
        assertThat(grant.refreshCount()).isEqualTo(1);
        assertThat(simulator.retiredRefreshTokenPresentations()).isZero();
    }

    @Test
    void reusingARetiredRefreshTokenWithinTheLeewayWorksButIsCounted() {
        String first = grant.refreshToken();
        refreshed(refresh(first));

        RefreshResult.Refreshed again = refreshed(refresh(first));

        assertThat(again.refreshToken()).isEqualTo(grant.refreshToken());
        assertThat(simulator.retiredRefreshTokenPresentations()).isEqualTo(1);
        assertThat(check()).isInstanceOf(CheckResult.Valid.class);
    }

    @Test
    void reusingARetiredRefreshTokenAfterTheLeewayKillsTheGrant() {
        simulator.setReuseLeeway(Duration.ZERO);
        String first = grant.refreshToken();
        RefreshResult.Refreshed second = refreshed(refresh(first));

        assertThat(refresh(first)).isInstanceOf(RefreshResult.InvalidGrant.class);
        assertThat(refresh(second.refreshToken())).isInstanceOf(RefreshResult.InvalidGrant.class);
        assertThat(check(client, second.accessToken())).isEqualTo(new CheckResult.TokenRefused(401));
        assertThat(simulator.retiredRefreshTokenPresentations()).isEqualTo(1);
        assertThat(grant.isRevoked()).isTrue();
    }

    @Test
    void anAnswerWithoutARefreshTokenLeavesTheOldOneValid() {
        String refreshToken = grant.refreshToken();
        grant.omitRefreshTokenInNextAnswer();

        RefreshResult.Refreshed result = refreshed(refresh(refreshToken));
        assertThat(result.refreshToken()).isNull();
        assertThat(check(client, result.accessToken())).isInstanceOf(CheckResult.Valid.class);

        assertThat(refreshed(refresh(refreshToken)).refreshToken()).isNotNull().isNotEqualTo(refreshToken);
        assertThat(simulator.retiredRefreshTokenPresentations()).isZero();
    }

    @Test
    void withoutRotationTheRefreshTokenNeverChanges() {
        simulator.setRotateRefreshTokens(false);
        String refreshToken = grant.refreshToken();

        assertThat(refreshed(refresh(refreshToken)).refreshToken()).isNull();
        assertThat(refreshed(refresh(refreshToken)).refreshToken()).isNull();
        assertThat(grant.refreshToken()).isEqualTo(refreshToken);
    }

    @Test
    void aRevokedGrantRefusesEveryToken() {
        grant.revoke();

        assertThat(check()).isEqualTo(new CheckResult.TokenRefused(401));
        RefreshResult result = refresh(grant.refreshToken());
        assertThat(result).isEqualTo(new RefreshResult.InvalidGrant("invalid_grant (HTTP 403): Unknown or invalid refresh token."));
    }

    @Test
    void anExpiredAccessTokenIsRefusedAndARefreshCures() {
        grant.expireAccessToken();

        assertThat(check()).isEqualTo(new CheckResult.TokenRefused(401));
        RefreshResult.Refreshed result = refreshed(refresh(grant.refreshToken()));
        assertThat(check(client, result.accessToken())).isInstanceOf(CheckResult.Valid.class);
    }

    @Test
    void consentingAgainKillsTheOldTokens() {
        String oldAccess = grant.accessToken();
        String oldRefresh = grant.refreshToken();

        grant.consentAgain();

        assertThat(check(client, oldAccess)).isEqualTo(new CheckResult.TokenRefused(401));
        assertThat(refresh(oldRefresh)).isInstanceOf(RefreshResult.InvalidGrant.class);
        assertThat(check()).isInstanceOf(CheckResult.Valid.class);
        assertThat(refresh(grant.refreshToken())).isInstanceOf(RefreshResult.Refreshed.class);
    }

    @Test
    void wrongClientCredentialsAreNoVerdictOnTheGrant() {
        tokens.add(grant.refreshToken());
        RefreshResult result = client.refresh(simulator.clientId(), "wrong-secret", grant.refreshToken());
        results.add(result);

        assertThat(result).isEqualTo(new RefreshResult.Transient(
                "unexpected_status", "HTTP 401 from the token endpoint: access_denied", null));
        assertThat(refresh(grant.refreshToken())).isInstanceOf(RefreshResult.Refreshed.class);
    }

    @Test
    void faultsOnTheTokenEndpointLeaveTheRefreshTokenUnused() {
        simulator.setRetryAfter(Duration.ofSeconds(9));
        simulator.failNextRefresh(1, Fault.SERVER_ERROR);
        simulator.failNextRefresh(1, Fault.RATE_LIMITED);
        simulator.failNextRefresh(1, Fault.BAD_GATEWAY_HTML);
        simulator.failNextRefresh(1, Fault.MALFORMED_JSON);
        simulator.failNextRefresh(1, Fault.WRONG_SHAPE);
        simulator.failNextRefresh(1, Fault.RESET);
        String refreshToken = grant.refreshToken();

        assertThat(refresh(refreshToken)).isEqualTo(new RefreshResult.Transient("server_error", "HTTP 503 from the token endpoint", null));
        assertThat(refresh(refreshToken)).isEqualTo(new RefreshResult.Transient(
                "rate_limited", "HTTP 429 from the token endpoint", Duration.ofSeconds(9)));
        assertThat(((RefreshResult.Transient) refresh(refreshToken)).reason()).isEqualTo("html_answer");
        assertThat(((RefreshResult.Transient) refresh(refreshToken)).reason()).isEqualTo("malformed_json");
        assertThat(((RefreshResult.Transient) refresh(refreshToken)).reason()).isEqualTo("unexpected_shape");
        assertThat(((RefreshResult.Transient) refresh(refreshToken)).reason()).isEqualTo("connection_failed");
        assertThat(refresh(refreshToken)).isInstanceOf(RefreshResult.Refreshed.class);
        assertThat(simulator.retiredRefreshTokenPresentations()).isZero();
    }

    @Test
    void aTokenThatCannotGoIntoAHeaderIsRejectedWithoutQuotingIt() {
        assertThatThrownBy(() -> client.accessibleResources("sim-at-secret\r\nX-Evil: 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("sim-at-secret");
    }
}
