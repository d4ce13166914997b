package io.grantwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SimSiteApisTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final SimSite JIRA = SimSite.of("Jira site", "read:jira-user", "read:jira-work");
    static final SimSite JIRA_NO_USER = SimSite.of("Jira work only", "read:jira-work");
    static final SimSite WIKI = SimSite.of("Wiki", "read:confluence-content.all");
    static AtlassianSimulator simulator;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        simulator = AtlassianSimulator.start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        request.header("X-Atlassian-Token", "no-check");
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void myselfAnswersTheAccountOfAGrantThatCoversTheSite() throws Exception {
        SimGrant grant = simulator.newGrant();
        grant.setSites(java.util.List.of(JIRA));
        HttpResponse<String> answer = call("GET", "/ex/jira/" + JIRA.cloudId() + "/rest/api/3/myself", grant.accessToken(), null);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(MAPPER.readTree(answer.body()).get("accountId").asText()).isEqualTo("sim-account-" + grant.id());
    }

    @Test
    void aSiteOrScopeTheGrantLacksIsAScopeMismatchAndADeadTokenIsPlainUnauthorized() throws Exception {
        SimGrant grant = simulator.newGrant();
        grant.setSites(java.util.List.of(JIRA_NO_USER));
        String scopeMismatch = "{\"code\":401,\"message\":\"Unauthorized; scope does not match\"}";
        assertThat(call("GET", "/ex/jira/" + JIRA_NO_USER.cloudId() + "/rest/api/3/myself", grant.accessToken(), null))
                .satisfies(a -> assertThat(a.statusCode()).isEqualTo(401))
                .satisfies(a -> assertThat(a.body()).isEqualTo(scopeMismatch));
        assertThat(call("GET", "/ex/jira/" + JIRA.cloudId() + "/rest/api/3/myself", grant.accessToken(), null).body())
                .isEqualTo(scopeMismatch);
        assertThat(call("GET", "/ex/confluence/" + JIRA_NO_USER.cloudId() + "/sim/echo", grant.accessToken(), null).body())
                .as("a Jira scope does not reach Confluence").isEqualTo(scopeMismatch);

        String unauthorized = "{\"code\":401,\"message\":\"Unauthorized\"}";
        assertThat(call("GET", "/ex/jira/" + JIRA_NO_USER.cloudId() + "/sim/echo", "no-such-token", null).body())
                .isEqualTo(unauthorized);
        grant.expireAccessToken();
        assertThat(call("GET", "/ex/jira/" + JIRA_NO_USER.cloudId() + "/sim/echo", grant.accessToken(), null).body())
                .isEqualTo(unauthorized);
        grant.consentAgain();
        grant.revoke();
        HttpResponse<String> revoked = call("GET", "/ex/jira/" + JIRA_NO_USER.cloudId() + "/sim/echo", grant.accessToken(), null);
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(revoked.body()).isEqualTo(unauthorized);
    }

    @Test
    void echoShowsTheRequestAsItArrivedButNeverTheToken() throws Exception {
        SimGrant grant = simulator.newGrant();
        grant.setSites(java.util.List.of(JIRA));
        long before = simulator.siteApis().requestCount();
        HttpResponse<String> answer = call("POST", "/ex/jira/" + JIRA.cloudId() + "/sim/echo/a%20b/c?status=201&q=x%2Fy",
                grant.accessToken(), "{\"hello\":\"wörld\"}");
        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(answer.body()).doesNotContain(grant.accessToken());
        assertThat(answer.headers().allValues("X-Sim-Multi")).containsExactly("one", "two");
        JsonNode echo = MAPPER.readTree(answer.body());
        assertThat(echo.get("method").asText()).isEqualTo("POST");
        assertThat(echo.get("path").asText()).isEqualTo("/ex/jira/" + JIRA.cloudId() + "/sim/echo/a%20b/c");
        assertThat(echo.get("query").asText()).isEqualTo("status=201&q=x%2Fy");
        assertThat(echo.get("body").asText()).isEqualTo("{\"hello\":\"wörld\"}");
        assertThat(echo.at("/headers/authorization/0").asText()).isEqualTo("Bearer <access token of " + grant.id() + ">");
        assertThat(echo.at("/headers/x-atlassian-token/0").asText()).isEqualTo("no-check");
        assertThat(simulator.siteApis().requestCount()).isEqualTo(before + 1);
    }

    @Test
    void aDownloadStreamsThePattern() throws Exception {
        SimGrant grant = simulator.newGrant();
        grant.setSites(java.util.List.of(WIKI));
        HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/ex/confluence/" + WIKI.cloudId()
                + "/wiki/download/attachments/1/big.bin?bytes=3000000"))
                .header("Authorization", "Bearer " + grant.accessToken()).build();
        HttpResponse<InputStream> answer = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValueAsLong("Content-Length")).hasValue(3_000_000);
        long index = 0;
        try (InputStream in = answer.body()) {
            for (int b; (b = in.read()) >= 0; index++) {
                if (b != SimSiteApis.contentByte(index)) {
                    throw new AssertionError("byte " + index + " differs");
                }
            }
        }
        assertThat(index).isEqualTo(3_000_000);
    }

    @Test
    void rateLimitedAnswers429WithAtlassiansHeaders() throws Exception {
        SimGrant grant = simulator.newGrant();
        grant.setSites(java.util.List.of(JIRA));
        HttpResponse<String> answer = call("GET", "/ex/jira/" + JIRA.cloudId() + "/rest/api/3/sim/rate-limited", grant.accessToken(), null);
        assertThat(answer.statusCode()).isEqualTo(429);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(answer.headers().firstValue("RateLimit-Reason")).hasValue("jira-burst-based");
        assertThat(answer.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(answer.headers().firstValue("X-RateLimit-Reset")).isPresent();
    }

    @Test
    void unknownApisAre404() throws Exception {
        SimGrant grant = simulator.newGrant();
        grant.setSites(java.util.List.of(JIRA));
        assertThat(call("GET", "/ex/jira/" + JIRA.cloudId() + "/rest/api/3/nothing", grant.accessToken(), null).statusCode())
                .isEqualTo(404);
    }
}
