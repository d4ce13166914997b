package io.grantwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grantwatch.testing.SettableClock;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator's consent flow over HTTP: authorize, the code exchange, /me. */
class SimulatorConsentTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CALLBACK = "http://127.0.0.1:9/connect/callback";
    static final SimSite ACME = SimSite.of("Acme", "read:jira-work", "write:jira-work");
    static final SimSite WIKI = SimSite.of("Wiki", "read:confluence-content.all");

    final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
    AtlassianSimulator simulator;
    HttpClient http;

    @BeforeEach
    void start() {
        simulator = AtlassianSimulator.start(clock);
        simulator.registerRedirectUri(CALLBACK);
        http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @AfterEach
    void stop() {
        http.close();
        simulator.close();
    }

    HttpResponse<String> authorize(String scope, String redirectUri, String state) throws Exception {
        String query = "audience=api.atlassian.com&client_id=" + simulator.clientId() + "&scope=" + encode(scope)
                + "&redirect_uri=" + encode(redirectUri) + "&state=" + encode(state) + "&response_type=code&prompt=consent";
        return http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/authorize?" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> exchange(String code, String redirectUri) throws Exception {
        String body = JSON.createObjectNode().put("grant_type", "authorization_code").put("client_id", simulator.clientId())
                .put("client_secret", simulator.clientSecret()).put("code", code).put("redirect_uri", redirectUri).toString();
        return http.send(HttpRequest.newBuilder(simulator.baseUrl().resolve("/oauth/token"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String accessToken) throws Exception {
        return http.send(HttpRequest.newBuilder(simulator.baseUrl().resolve(path)).header("Authorization", "Bearer " + accessToken)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> parameters(HttpResponse<String> redirect) {
        return ConsentFlow.query(URI.create(redirect.headers().firstValue("Location").orElseThrow()).getRawQuery());
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Test
    void aConsentRedirectsWithACodeThatBuysTokensOnce() throws Exception {
        simulator.scriptConsent(SimConsent.approve("acc-1", ACME));

        HttpResponse<String> redirect = authorize("read:jira-work write:jira-work read:me offline_access", CALLBACK, "s 1");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location").orElseThrow()).startsWith(CALLBACK + "?code=");
        Map<String, String> back = parameters(redirect);
        assertThat(back.get("state")).isEqualTo("s 1");

        HttpResponse<String> tokens = exchange(back.get("code"), CALLBACK);
        assertThat(tokens.statusCode()).isEqualTo(200);
        JsonNode answer = json(tokens);
        assertThat(answer.get("refresh_token").asText()).startsWith("sim-rt-");
        assertThat(answer.get("expires_in").asLong()).isEqualTo(3600);
        assertThat(answer.get("scope").asText()).isEqualTo("offline_access read:jira-work read:me write:jira-work");
        assertThat(answer.get("token_type").asText()).isEqualTo("Bearer");

        String accessToken = answer.get("access_token").asText();
        HttpResponse<String> resources = get("/oauth/token/accessible-resources", accessToken);
        assertThat(json(resources).get(0).get("id").asText()).isEqualTo(ACME.cloudId());
        HttpResponse<String> me = get("/me", accessToken);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(json(me).get("account_id").asText()).isEqualTo("acc-1");

        HttpResponse<String> again = exchange(back.get("code"), CALLBACK);
        assertThat(again.statusCode()).isEqualTo(403);
        assertThat(json(again).get("error").asText()).isEqualTo("invalid_grant");
        assertThat(simulator.authorizationCodeExchanges()).isEqualTo(1);
        assertThat(simulator.lastAuthorizeParameters()).containsEntry("prompt", "consent").containsEntry("state", "s 1");
    }

    @Test
    void aSecondConsentOfTheSameAccountAddsItsSiteToTheOneGrant() throws Exception {
        simulator.scriptConsent(SimConsent.approve("acc-2", ACME), SimConsent.approve("acc-2", WIKI));
        String scope = "read:jira-work write:jira-work read:confluence-content.all offline_access";
        exchange(parameters(authorize(scope, CALLBACK, "a")).get("code"), CALLBACK);
        SimGrant grant = simulator.grantOf("acc-2").orElseThrow();
        String firstRefreshToken = grant.refreshToken();

        HttpResponse<String> second = exchange(parameters(authorize(scope, CALLBACK, "b")).get("code"), CALLBACK);

        assertThat(simulator.grantOf("acc-2")).containsSame(grant);
        assertThat(grant.sites()).extracting(SimSite::cloudId).containsExactlyInAnyOrder(ACME.cloudId(), WIKI.cloudId());
        assertThat(json(second).get("refresh_token").asText()).isEqualTo(grant.refreshToken()).isNotEqualTo(firstRefreshToken);
        assertThat(grant.accountId()).isEqualTo("acc-2");
    }

    @Test
    void aConsentRevivesARevokedGrant() throws Exception {
        simulator.scriptConsent(SimConsent.approve("acc-3", ACME), SimConsent.approve("acc-3", ACME));
        exchange(parameters(authorize("read:jira-work offline_access", CALLBACK, "a")).get("code"), CALLBACK);
        SimGrant grant = simulator.grantOf("acc-3").orElseThrow();
        grant.revoke();

        HttpResponse<String> tokens = exchange(parameters(authorize("read:jira-work offline_access", CALLBACK, "b")).get("code"), CALLBACK);

        assertThat(grant.isRevoked()).isFalse();
        assertThat(get("/oauth/token/accessible-resources", json(tokens).get("access_token").asText()).statusCode()).isEqualTo(200);
    }

    @Test
    void aDeclinedConsentRedirectsWithAccessDenied() throws Exception {
        simulator.scriptConsent(SimConsent.decline());

        HttpResponse<String> redirect = authorize("read:jira-work", CALLBACK, "x");

        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(parameters(redirect)).containsEntry("error", "access_denied").containsEntry("state", "x").doesNotContainKey("code");
    }

    @Test
    void withoutOfflineAccessNoRefreshTokenAndWithoutReadMeNoAccount() throws Exception {
        simulator.scriptConsent(SimConsent.approve("acc-4", ACME));

        JsonNode tokens = json(exchange(parameters(authorize("read:jira-work", CALLBACK, "x")).get("code"), CALLBACK));

        assertThat(tokens.has("refresh_token")).isFalse();
        HttpResponse<String> me = get("/me", tokens.get("access_token").asText());
        assertThat(me.statusCode()).isEqualTo(401);
        assertThat(me.body()).contains("scope does not match");
    }

    @Test
    void codesExpireAndAreBoundToTheirRedirectUri() throws Exception {
        simulator.setAuthorizationCodeLifetime(Duration.ofMinutes(1));
        simulator.scriptConsent(SimConsent.approve("acc-5", ACME), SimConsent.approve("acc-5", ACME));
        String late = parameters(authorize("read:jira-work", CALLBACK, "x")).get("code");
        String elsewhere = parameters(authorize("read:jira-work", CALLBACK, "y")).get("code");
        clock.tick(Duration.ofMinutes(1));

        assertThat(exchange(late, CALLBACK).statusCode()).isEqualTo(403);
        assertThat(exchange(elsewhere, "http://127.0.0.1:9/other").statusCode()).isEqualTo(403);
        assertThat(exchange("sim-code-unknown", CALLBACK).statusCode()).isEqualTo(403);
    }

    @Test
    void badRequestsGetAnErrorPageNotARedirect() throws Exception {
        assertThat(authorize("read:jira-work", "http://127.0.0.1:9/not-registered", "x").statusCode()).isEqualTo(400);
        assertThat(authorize("", CALLBACK, "x").statusCode()).isEqualTo(400);
        HttpResponse<String> nobody = authorize("read:jira-work", CALLBACK, "x");
        assertThat(nobody.statusCode()).isEqualTo(400);
        assertThat(nobody.body()).contains("no consent");
        assertThat(get("/me", "sim-at-unknown").statusCode()).isEqualTo(401);
    }
}
