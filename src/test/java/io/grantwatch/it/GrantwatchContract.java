package io.grantwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.simulator.Fault;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.GrantwatchExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The daemon end to end, as an integration sees it: the real application on a real database,
 * polling the Atlassian simulator over HTTP, driven through its REST API. Extended once per database.
 */
abstract class GrantwatchContract {
    static final SimSite ALPHA = SimSite.of("Alpha", "read:jira-work", "write:jira-work", "read:jira-user");
    static final SimSite BETA = SimSite.of("Beta", "read:confluence-content.all", "write:confluence-content");

    @RegisterExtension
    static final GrantwatchExtension grantwatch = GrantwatchExtension.create().env("GRANTWATCH_POLLING_DEGRADEDAFTER", "2");

    /** Every answer the API gave in this class, to search for tokens at the end. */
    static final List<String> answers = new ArrayList<>();
    static final List<String> tokens = new ArrayList<>();

    @BeforeEach
    void resetSimulator() {
        grantwatch.simulator().clearFaults();
        grantwatch.simulator().setRetryAfter(Duration.ofMillis(100));
    }

    @AfterAll
    static void noAnswerHeldAToken() {
        try {
            // Without an application (PostgreSQL skipped) there is nothing to search.
            if (grantwatch.app() != null) {
                assertThat(tokens).isNotEmpty();
            }
            for (String token : tokens) {
                assertThat(answers).noneMatch(answer -> answer.contains(token));
            }
        } finally {
            answers.clear();
            tokens.clear();
        }
    }

    // ---- helpers ----

    static ApiClient.Response call(ApiClient.Response response) {
        answers.add(response.body());
        return response;
    }

    static JsonNode register(SimGrant grant, String externalId) {
        tokens.add(grant.accessToken());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accessToken", grant.accessToken());
        body.put("expiresIn", 3600);
        if (externalId != null) {
            body.put("externalId", externalId);
        }
        body.put("label", "user " + grant.id());
        ApiClient.Response response = call(grantwatch.api().post("/v1/grants", body));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    static JsonNode registerHealthy(SimGrant grant) {
        long id = register(grant, null).get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> grant(id).get("status").asText().equals("HEALTHY"));
        return grant(id);
    }

    static JsonNode grant(long id) {
        return call(grantwatch.api().get("/v1/grants/" + id)).json();
    }

    static JsonNode check(long id) {
        ApiClient.Response response = call(grantwatch.api().post("/v1/grants/" + id + "/check", null));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    static List<JsonNode> events(long grantId) {
        JsonNode page = call(grantwatch.api().get("/v1/events?grantId=" + grantId + "&limit=1000")).json();
        return StreamSupport.stream(page.get("events").spliterator(), false).toList();
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(event -> event.get("type").asText()).toList();
    }

    static List<String> scopes(JsonNode grant, String cloudId) {
        for (JsonNode site : grant.get("sites")) {
            if (site.get("cloudId").asText().equals(cloudId)) {
                return StreamSupport.stream(site.get("scopes").spliterator(), false).map(JsonNode::asText).toList();
            }
        }
        return null;
    }

    static SimGrant simGrant(SimSite... sites) {
        SimGrant grant = grantwatch.simulator().newGrant();
        grant.setSites(List.of(sites));
        return grant;
    }

    // ---- the contract ----

    @Test
    void aRegisteredGrantIsCheckedAtOnceAndReportsEachSiteOnce() {
        SimGrant sim = simGrant(ALPHA, BETA);
        JsonNode created = register(sim, "ext-" + sim.id());
        assertThat(created.get("status").asText()).isIn("PENDING", "HEALTHY");
        assertThat(created.has("accessToken")).isFalse();

        JsonNode grant = registerHealthyAfter(created.get("id").asLong());
        assertThat(grant.get("sites")).hasSize(2);
        assertThat(scopes(grant, ALPHA.cloudId())).containsExactly("read:jira-user", "read:jira-work", "write:jira-work");
        assertThat(grant.get("lastCheckedAt").isNull()).isFalse();

        List<JsonNode> events = events(grant.get("id").asLong());
        assertThat(types(events)).containsExactly("site.granted", "site.granted");
        JsonNode alpha = events.stream().filter(e -> e.get("cloudId").asText().equals(ALPHA.cloudId())).findFirst().orElseThrow();
        assertThat(alpha.get("data").get("name").asText()).isEqualTo("Alpha");
        assertThat(alpha.get("data").get("url").asText()).isEqualTo(ALPHA.url());
        assertThat(alpha.get("grantId").asLong()).isEqualTo(grant.get("id").asLong());
    }

    static JsonNode registerHealthyAfter(long id) {
        await().atMost(Duration.ofSeconds(20)).until(() -> grant(id).get("status").asText().equals("HEALTHY"));
        return grant(id);
    }

    @Test
    void reorderedAnswersAreNoChangeAndHistoryGrowsWithChangesNotPolls() {
        SimGrant sim = simGrant(ALPHA, BETA);
        long id = registerHealthy(sim).get("id").asLong();
        for (int i = 0; i < 10; i++) {
            check(id); // the simulator shuffles entries and scopes, and splits sites per product, on every answer
        }
        assertThat(types(events(id))).containsExactly("site.granted", "site.granted");
        JsonNode snapshots = call(grantwatch.api().get("/v1/grants/" + id + "/snapshots")).json().get("snapshots");
        assertThat(snapshots).hasSize(1);
        assertThat(snapshots.get(0).get("lastSeenAt").asText()).isGreaterThanOrEqualTo(snapshots.get(0).get("firstSeenAt").asText());
    }

    @Test
    void scopeAndSiteChangesAreReportedExactlyOnce() {
        SimGrant sim = simGrant(ALPHA, BETA);
        long id = registerHealthy(sim).get("id").asLong();

        sim.setScopes(ALPHA.cloudId(), "read:jira-work", "manage:jira-project");
        JsonNode grant = check(id);
        check(id);
        assertThat(scopes(grant, ALPHA.cloudId())).containsExactly("manage:jira-project", "read:jira-work");

        sim.removeSite(BETA.cloudId());
        check(id);
        sim.rename(ALPHA.cloudId(), "Alpha Renamed");
        check(id);
        check(id);

        List<JsonNode> events = events(id);
        assertThat(types(events)).containsExactly(
                "site.granted", "site.granted", "site.scopes_changed", "site.revoked", "site.updated");
        JsonNode scopesChanged = events.get(2).get("data");
        assertThat(scopesChanged.get("scopesAdded").toString()).isEqualTo("[\"manage:jira-project\"]");
        assertThat(scopesChanged.get("scopesRemoved").toString()).isEqualTo("[\"read:jira-user\",\"write:jira-work\"]");
        JsonNode revoked = events.get(3);
        assertThat(revoked.get("cloudId").asText()).isEqualTo(BETA.cloudId());
        assertThat(revoked.get("data").get("reason").asText()).isEqualTo("site_removed");
        assertThat(revoked.get("data").get("scopes")).hasSize(2);
        assertThat(events.get(4).get("data").get("name").get("after").asText()).isEqualTo("Alpha Renamed");

        JsonNode snapshots = call(grantwatch.api().get("/v1/grants/" + id + "/snapshots")).json().get("snapshots");
        assertThat(snapshots).hasSize(4);
        assertThat(snapshots.get(0).get("sites")).hasSize(1); // newest first
        assertThat(snapshots.get(3).get("sites")).hasSize(2);
    }

    @Test
    void transientFaultsChangeNothingThenDegradeAndRecover() {
        SimGrant sim = simGrant(ALPHA);
        long id = registerHealthy(sim).get("id").asLong();
        for (Fault fault : List.of(Fault.SERVER_ERROR, Fault.BAD_GATEWAY_HTML, Fault.RATE_LIMITED, Fault.MALFORMED_JSON,
                Fault.WRONG_SHAPE, Fault.SLOW, Fault.RESET)) {
            sim.failNext(1, fault);
            JsonNode grant = check(id);
            assertThat(grant.get("status").asText()).as(fault.name()).isEqualTo("HEALTHY");
            assertThat(grant.get("sites")).as(fault.name()).hasSize(1);
            check(id); // a success in between keeps the failures from adding up
        }
        assertThat(types(events(id))).containsExactly("site.granted");

        sim.failNext(2, Fault.SERVER_ERROR);
        check(id);
        JsonNode degraded = check(id);
        assertThat(degraded.get("status").asText()).isEqualTo("DEGRADED");
        assertThat(degraded.get("sites")).hasSize(1);
        assertThat(degraded.get("stale").asBoolean()).isTrue();
        JsonNode access = call(grantwatch.api().get("/v1/grants/" + id + "/access?cloudId=" + ALPHA.cloudId() + "&scope=read:jira-work")).json();
        assertThat(access.get("allowed").asBoolean()).isTrue();
        assertThat(access.get("stale").asBoolean()).isTrue();

        assertThat(check(id).get("status").asText()).isEqualTo("HEALTHY");
        assertThat(types(events(id))).containsExactly("site.granted", "grant.degraded", "grant.recovered");
    }

    @Test
    void aRateLimitSlowsEveryCheckDownNotOnlyTheOneThatGotIt() {
        SimGrant limited = simGrant(ALPHA);
        SimGrant other = simGrant(BETA);
        long limitedId = registerHealthy(limited).get("id").asLong();
        long otherId = registerHealthy(other).get("id").asLong();
        grantwatch.simulator().setRetryAfter(Duration.ofSeconds(1));
        limited.failNext(1, Fault.RATE_LIMITED);
        long start = System.nanoTime();
        JsonNode afterLimit = check(limitedId);
        assertThat(afterLimit.get("status").asText()).isEqualTo("HEALTHY");
        assertThat(afterLimit.get("lastError").asText()).contains("429");
        assertThat(check(otherId).get("status").asText()).isEqualTo("HEALTHY");
        // The other grant's call waited for the Retry-After (a lower bound: a busy machine only makes it later).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(new ApiClient(grantwatch.app().port(), null).get("/metrics").body()).contains("grantwatch_ratelimit_signals_total");
    }

    @Test
    void anExpiredTokenIsNotARevocationAndNewTokensRestoreTheGrant() {
        SimGrant sim = simGrant(ALPHA, BETA);
        long id = registerHealthy(sim).get("id").asLong();
        sim.expireAccessToken();
        JsonNode expired = check(id);
        assertThat(expired.get("status").asText()).isEqualTo("TOKEN_EXPIRED");
        assertThat(expired.get("sites")).hasSize(2);
        check(id);
        assertThat(types(events(id))).containsExactly("site.granted", "site.granted", "grant.token_expired");

        sim.consentAgain();
        tokens.add(sim.accessToken());
        ApiClient.Response replaced = call(grantwatch.api().put("/v1/grants/" + id + "/tokens",
                Map.of("accessToken", sim.accessToken(), "expiresIn", 3600)));
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(replaced.json().get("status").asText()).isEqualTo("HEALTHY");
        assertThat(types(events(id))).containsExactly("site.granted", "site.granted", "grant.token_expired", "grant.restored");
    }

    @Test
    void aGrantThatReachesNoSiteIsAValidAnswer() {
        SimGrant sim = simGrant();
        JsonNode grant = registerHealthy(sim);
        assertThat(grant.get("sites")).isEmpty();
        assertThat(events(grant.get("id").asLong())).isEmpty();
        JsonNode access = call(grantwatch.api().get("/v1/grants/" + grant.get("id").asLong() + "/access?cloudId=" + ALPHA.cloudId())).json();
        assertThat(access.get("reason").asText()).isEqualTo("site_not_granted");
    }

    @Test
    void thePreflightAnswersFromTheLatestState() {
        SimGrant sim = simGrant(ALPHA);
        long id = registerHealthy(sim).get("id").asLong();
        String base = "/v1/grants/" + id + "/access?cloudId=";

        JsonNode ok = call(grantwatch.api().get(base + ALPHA.cloudId() + "&scope=read:jira-work&scope=write:jira-work")).json();
        assertThat(ok.get("allowed").asBoolean()).isTrue();
        assertThat(ok.get("reason").asText()).isEqualTo("ok");
        assertThat(ok.get("stale").asBoolean()).isFalse();
        assertThat(ok.get("status").asText()).isEqualTo("HEALTHY");
        assertThat(ok.get("checkedAt").isNull()).isFalse();

        JsonNode missing = call(grantwatch.api().get(base + ALPHA.cloudId() + "&scope=read:jira-work&scope=manage:jira-project")).json();
        assertThat(missing.get("allowed").asBoolean()).isFalse();
        assertThat(missing.get("reason").asText()).isEqualTo("scope_missing");
        assertThat(missing.get("missingScopes").toString()).isEqualTo("[\"manage:jira-project\"]");

        JsonNode otherSite = call(grantwatch.api().get(base + BETA.cloudId())).json();
        assertThat(otherSite.get("reason").asText()).isEqualTo("site_not_granted");

        assertThat(call(grantwatch.api().get("/v1/grants/" + id + "/access")).status()).isEqualTo(400);
    }

    @Test
    void aPendingGrantAnswersUnknown() {
        // A grant whose first check cannot get through stays PENDING and cannot be judged.
        SimGrant sim = simGrant(ALPHA);
        sim.failNext(1, Fault.SERVER_ERROR);
        long id = register(sim, null).get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> sim.requestCount() >= 1 && !grant(id).get("lastCheckedAt").isNull());
        JsonNode access = call(grantwatch.api().get("/v1/grants/" + id + "/access?cloudId=" + ALPHA.cloudId())).json();
        assertThat(access.get("status").asText()).isEqualTo("PENDING");
        assertThat(access.get("reason").asText()).isEqualTo("unknown");
        assertThat(access.get("allowed").asBoolean()).isFalse();
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() {
        SimGrant sim = simGrant(ALPHA);
        long id = registerHealthy(sim).get("id").asLong();
        String before = call(grantwatch.api().get("/v1/grants?limit=1000")).body();
        int eventsBefore = call(grantwatch.api().get("/v1/events?limit=1000")).json().get("events").size();

        assertError(grantwatch.api().post("/v1/grants", "{not json"), 400, "malformed_body");
        assertError(grantwatch.api().post("/v1/grants", "[1,2]"), 400, "malformed_body");
        assertError(grantwatch.api().post("/v1/grants", Map.of("accessToken", 42)), 400, "invalid_field");
        assertError(grantwatch.api().post("/v1/grants", Map.of("label", "no token")), 400, "missing_field");
        assertError(grantwatch.api().post("/v1/grants", Map.of("accessToken", "x", "expiresIn", "soon")), 400, "invalid_field");
        assertError(grantwatch.api().post("/v1/grants", Map.of("accessToken", "x", "expiresIn", -5)), 400, "invalid_field");
        assertError(grantwatch.api().post("/v1/grants", Map.of("accessToken", "x", "expiresAt", "tomorrow")), 400, "invalid_field");
        assertError(grantwatch.api().post("/v1/grants", Map.of("accessToken", "x", "acessToken", "typo")), 400, "unknown_field");
        assertError(grantwatch.api().post("/v1/grants", "{\"accessToken\": \"" + "x".repeat(200_000) + "\"}"), 413, "payload_too_large");
        assertError(grantwatch.api().put("/v1/grants/" + id + "/tokens", Map.of("refreshToken", "only")), 400, "missing_field");
        assertError(grantwatch.api().get("/v1/grants/999999999"), 404, "not_found");
        assertError(grantwatch.api().get("/v1/grants/not-a-number"), 404, "not_found");
        assertError(grantwatch.api().delete("/v1/grants/999999999"), 404, "not_found");
        assertError(grantwatch.api().post("/v1/grants/999999999/check", null), 404, "not_found");
        assertError(grantwatch.api().get("/v1/grants?limit=0"), 400, "invalid_parameter");
        assertError(grantwatch.api().get("/v1/grants?limit=1001"), 400, "invalid_parameter");
        assertError(grantwatch.api().get("/v1/grants?after=abc"), 400, "invalid_cursor");
        assertError(grantwatch.api().get("/v1/events?after=-1"), 400, "invalid_cursor");
        assertError(grantwatch.api().get("/v1/events?type=site.exploded"), 400, "invalid_parameter");
        assertError(grantwatch.api().get("/v1/events?wait=forever"), 400, "invalid_parameter");
        assertError(grantwatch.api().get("/v1/nothing-here"), 404, "not_found");
        assertError(new ApiClient(grantwatch.app().port(), null).get("/v1/grants"), 401, "unauthorized");
        assertError(new ApiClient(grantwatch.app().port(), "wrong").get("/v1/grants"), 401, "unauthorized");

        assertThat(call(grantwatch.api().get("/v1/grants?limit=1000")).body()).isEqualTo(before);
        assertThat(call(grantwatch.api().get("/v1/events?limit=1000")).json().get("events")).hasSize(eventsBefore);
        assertThat(new ApiClient(grantwatch.app().port(), null).get("/health").status()).isEqualTo(200);
    }

    @Test
    void aDuplicateExternalIdIsAConflict() {
        SimGrant sim = simGrant(ALPHA);
        register(sim, "dup-" + sim.id());
        ApiClient.Response again = call(grantwatch.api().post("/v1/grants", Map.of("accessToken", sim.accessToken(), "externalId", "dup-" + sim.id())));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("error").asText()).isEqualTo("conflict");
    }

    static void assertError(ApiClient.Response response, int status, String code) {
        call(response);
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        JsonNode body = response.json();
        assertThat(body.get("error").asText()).as(response.body()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
    }

    @Test
    void deletingAGrantErasesItsTokensAndKeepsItsHistory() {
        SimGrant sim = simGrant(ALPHA);
        long id = registerHealthy(sim).get("id").asLong();
        assertThat(call(grantwatch.api().delete("/v1/grants/" + id)).status()).isEqualTo(204);
        assertThat(call(grantwatch.api().get("/v1/grants/" + id)).status()).isEqualTo(404);
        assertThat(call(grantwatch.api().get("/v1/grants/" + id + "/snapshots")).json().get("snapshots")).hasSize(1);
        assertThat(types(events(id))).containsExactly("site.granted");
        Map<String, Object> row = grantwatch.jdbi().withHandle(handle ->
                handle.createQuery("SELECT access_token, refresh_token, next_check_at FROM grants WHERE id = :id")
                        .bind("id", id).mapToMap().one());
        assertThat(row.values()).containsOnlyNulls();
        long requests = sim.requestCount();
        assertThat(call(grantwatch.api().post("/v1/grants/" + id + "/check", null)).status()).isEqualTo(404);
        assertThat(sim.requestCount()).isEqualTo(requests);
    }

    @Test
    void tokensAreEncryptedAtRest() {
        SimGrant sim = simGrant(ALPHA);
        long id = registerHealthy(sim).get("id").asLong();
        String stored = grantwatch.jdbi().withHandle(handle ->
                handle.createQuery("SELECT access_token FROM grants WHERE id = :id").bind("id", id).mapTo(String.class).one());
        assertThat(stored).startsWith("v1.").doesNotContain(sim.accessToken());
        // No table holds any token as plain text.
        List<String> everything = grantwatch.jdbi().withHandle(handle ->
                handle.createQuery("SELECT CAST(data AS VARCHAR(100000)) FROM events UNION ALL "
                        + "SELECT CAST(sites AS VARCHAR(100000)) FROM snapshots UNION ALL "
                        + "SELECT COALESCE(last_error, '') || COALESCE(label, '') FROM grants").mapTo(String.class).list());
        for (String token : tokens) {
            assertThat(everything).noneMatch(value -> value != null && value.contains(token));
        }
    }

    @Test
    void theFeedPagesWithACursorAndFilters() {
        SimGrant sim = simGrant(ALPHA, BETA);
        long id = registerHealthy(sim).get("id").asLong();
        sim.removeSite(BETA.cloudId());
        check(id);

        JsonNode first = call(grantwatch.api().get("/v1/events?grantId=" + id + "&limit=2")).json();
        assertThat(first.get("events")).hasSize(2);
        String cursor = first.get("nextCursor").asText();
        JsonNode second = call(grantwatch.api().get("/v1/events?grantId=" + id + "&limit=2&after=" + cursor)).json();
        assertThat(second.get("events")).hasSize(1);
        assertThat(second.get("events").get(0).get("id").asLong()).isGreaterThan(Long.parseLong(cursor));
        JsonNode empty = call(grantwatch.api().get("/v1/events?grantId=" + id + "&after=" + second.get("nextCursor").asText())).json();
        assertThat(empty.get("events")).isEmpty();
        assertThat(empty.get("nextCursor").asText()).isEqualTo(second.get("nextCursor").asText());

        JsonNode revokedOnly = call(grantwatch.api().get("/v1/events?grantId=" + id + "&type=site.revoked")).json();
        assertThat(revokedOnly.get("events")).hasSize(1);
        assertThat(revokedOnly.get("events").get(0).get("cloudId").asText()).isEqualTo(BETA.cloudId());
    }

    @Test
    void aLongPollAnswersAsSoonAsAnEventExists() throws Exception {
        SimGrant sim = simGrant(ALPHA);
        long id = registerHealthy(sim).get("id").asLong();
        String cursor = call(grantwatch.api().get("/v1/events?grantId=" + id)).json().get("nextCursor").asText();
        var waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> call(grantwatch.api().get("/v1/events?grantId=" + id + "&after=" + cursor + "&wait=PT30S")));
        sim.setScopes(ALPHA.cloudId(), "read:jira-work");
        check(id);
        JsonNode page = waiting.get(30, java.util.concurrent.TimeUnit.SECONDS).json();
        assertThat(types(StreamSupport.stream(page.get("events").spliterator(), false).toList()))
                .containsExactly("site.scopes_changed");

        JsonNode timedOut = call(grantwatch.api().get("/v1/events?grantId=" + id + "&after=" + page.get("nextCursor").asText() + "&wait=PT0.2S")).json();
        assertThat(timedOut.get("events")).isEmpty();
    }

    @Test
    void listsArePaged() {
        for (int i = 0; i < 3; i++) {
            register(simGrant(ALPHA), null);
        }
        JsonNode page = call(grantwatch.api().get("/v1/grants?limit=2")).json();
        assertThat(page.get("grants")).hasSize(2);
        JsonNode next = call(grantwatch.api().get("/v1/grants?limit=2&after=" + page.get("nextCursor").asText())).json();
        assertThat(next.get("grants").get(0).get("id").asLong()).isGreaterThan(page.get("grants").get(1).get("id").asLong());
    }

    @Test
    void healthAndMetricsAreOpen() {
        ApiClient anonymous = new ApiClient(grantwatch.app().port(), null);
        ApiClient.Response health = anonymous.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
        check(registerHealthy(simGrant(ALPHA)).get("id").asLong());
        String metrics = anonymous.get("/metrics").body();
        assertThat(metrics).contains("grantwatch_checks_total{outcome=\"valid\"}");
        assertThat(metrics).contains("grantwatch_check_duration_seconds_bucket");
    }
}
