package io.grantwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.simulator.Fault;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.GrantwatchExtension;
import io.grantwatch.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tokens kept alive: refreshed ahead of expiry and on a refused token, rotated and stored before
 * use, invalid_grant as a revocation, keep-alive, the 365-day warning, and the token endpoint.
 * Real application, real simulator with rotation, real database. Extended once per database.
 */
abstract class TokenRefreshContract {
    static final SimSite ALPHA = SimSite.of("Alpha", "read:jira-work", "write:jira-work");
    static final SimSite BETA = SimSite.of("Beta", "read:jira-user");

    @RegisterExtension
    static final GrantwatchExtension grantwatch = GrantwatchExtension.create()
            .withRefresh()
            .settableClock()
            .env("GRANTWATCH_TOKENS_REFRESHMARGIN", "PT5M")
            .env("GRANTWATCH_TOKENS_KEEPALIVEINTERVAL", "P7D")
            .env("GRANTWATCH_TOKENS_EXPIRYWARNING", "P14D");

    @BeforeEach
    void resetSimulator() {
        grantwatch.simulator().clearFaults();
    }

    @AfterAll
    static void noRetiredRefreshTokenWasPresented() {
        assertThat(grantwatch.simulator().retiredRefreshTokenPresentations()).as("retired refresh tokens presented").isZero();
    }

    static long register(SimGrant sim, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accessToken", sim.accessToken());
        body.put("refreshToken", sim.refreshToken());
        body.put("expiresAt", sim.accessTokenExpiresAt().toString());
        body.putAll(extra);
        ApiClient.Response created = grantwatch.api().post("/v1/grants", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> !grant(id).get("lastCheckedAt").isNull());
        return id;
    }

    static SimGrant simGrant(SimSite... sites) {
        SimGrant grant = grantwatch.simulator().newGrant();
        grant.setSites(List.of(sites));
        return grant;
    }

    static SettableClock clock() {
        return grantwatch.clock();
    }

    static JsonNode grant(long id) {
        return grantwatch.api().get("/v1/grants/" + id).json();
    }

    static JsonNode check(long id) {
        ApiClient.Response response = grantwatch.api().post("/v1/grants/" + id + "/check", null);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    static List<String> types(long id) {
        JsonNode events = grantwatch.api().get("/v1/events?limit=1000&grantId=" + id).json().get("events");
        return StreamSupport.stream(events.spliterator(), false).map(event -> event.get("type").asText()).toList();
    }

    static Map<String, Object> row(long id) {
        return grantwatch.jdbi().withHandle(handle ->
                handle.createQuery("SELECT access_token, refresh_token, token_version, next_check_at FROM grants WHERE id = :id")
                        .bind("id", id).mapToMap().one());
    }


    @Test
    void aTokenAboutToExpireIsRefreshedFirstAndTheRotatedTokensAreStored() {
        SimGrant sim = simGrant(ALPHA);
        long refreshesBefore = sim.refreshCount();
        Map<String, Object> extra = Map.of("expiresIn", 60);
        Map<String, Object> body = new LinkedHashMap<>(Map.of("accessToken", sim.accessToken(), "refreshToken", sim.refreshToken()));
        body.putAll(extra);
        ApiClient.Response created = grantwatch.api().post("/v1/grants", body);
        long id = created.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> grant(id).get("status").asText().equals("HEALTHY"));
        assertThat(sim.refreshCount()).isEqualTo(refreshesBefore + 1);
        JsonNode grant = grant(id);
        assertThat(Instant.parse(grant.get("accessTokenExpiresAt").asText())).isAfter(clock().instant().plus(Duration.ofMinutes(30)));
        assertThat(((Number) row(id).get("token_version")).intValue()).isEqualTo(1);

        check(id); // the fresh token is used as is: no second refresh
        assertThat(sim.refreshCount()).isEqualTo(refreshesBefore + 1);
        assertThat(types(id)).containsExactly("site.granted");
    }

    @Test
    void aRefusedTokenIsRefreshedAndTheCheckTriedOnceMore() {
        SimGrant sim = simGrant(ALPHA, BETA);
        long id = register(sim, Map.of());
        sim.expireAccessToken();
        JsonNode grant = check(id);
        assertThat(grant.get("status").asText()).isEqualTo("HEALTHY");
        assertThat(grant.get("sites")).hasSize(2);
        assertThat(sim.refreshCount()).isEqualTo(1);
        assertThat(types(id)).containsExactly("site.granted", "site.granted");
    }

    @Test
    void invalidGrantIsARevocationOfEverySite() {
        SimGrant sim = simGrant(ALPHA, BETA);
        long id = register(sim, Map.of());
        sim.revoke();
        JsonNode grant = check(id);
        assertThat(grant.get("status").asText()).isEqualTo("REVOKED");
        assertThat(grant.get("sites")).isEmpty();
        assertThat(types(id)).containsExactly("site.granted", "site.granted", "grant.revoked", "site.revoked", "site.revoked");
        JsonNode access = grantwatch.api().get("/v1/grants/" + id + "/access?cloudId=" + ALPHA.cloudId()).json();
        assertThat(access.get("reason").asText()).isEqualTo("grant_revoked");
        assertThat(row(id).get("next_check_at")).isNull();
        check(id);
        assertThat(types(id)).hasSize(5);

        // The user consents again: new tokens bring the grant back.
        sim.consentAgain();
        ApiClient.Response restored = grantwatch.api().put("/v1/grants/" + id + "/tokens", Map.of(
                "accessToken", sim.accessToken(), "refreshToken", sim.refreshToken(), "expiresIn", 3600));
        assertThat(restored.json().get("status").asText()).isEqualTo("HEALTHY");
        assertThat(types(id)).containsSubsequence("grant.revoked", "grant.restored", "site.granted", "site.granted");
    }

    @Test
    void aRefreshWithoutANewRefreshTokenKeepsTheOldOne() {
        SimGrant sim = simGrant(ALPHA);
        long id = register(sim, Map.of());
        Object refreshBefore = row(id).get("refresh_token");
        sim.omitRefreshTokenInNextAnswer();
        sim.expireAccessToken();
        assertThat(check(id).get("status").asText()).isEqualTo("HEALTHY");
        sim.expireAccessToken();
        assertThat(check(id).get("status").asText()).isEqualTo("HEALTHY");
        assertThat(sim.refreshCount()).isEqualTo(2);
        assertThat(row(id).get("refresh_token")).isNotEqualTo(refreshBefore);
    }

    @Test
    void aFailedRefreshWithAStillValidTokenIsNoFailureAndAFailedOneChangesNothing() {
        SimGrant sim = simGrant(ALPHA);
        long id = register(sim, Map.of());
        // Due for refresh (inside the margin) but still valid: the refresh fails, the check goes on with the old token.
        clock().tick(Duration.between(clock().instant(), sim.accessTokenExpiresAt()).minusSeconds(60));
        grantwatch.simulator().failNextRefresh(1, Fault.SERVER_ERROR);
        long refreshes = sim.refreshCount();
        assertThat(check(id).get("status").asText()).isEqualTo("HEALTHY");
        assertThat(sim.refreshCount()).as("the failed refresh does not count").isEqualTo(refreshes);

        // Refused, and the refresh fails: nothing is concluded.
        SimGrant refused = simGrant(ALPHA);
        long refusedId = register(refused, Map.of());
        refused.expireAccessToken();
        grantwatch.simulator().failNextRefresh(1, Fault.BAD_GATEWAY_HTML);
        JsonNode grant = check(refusedId);
        assertThat(grant.get("status").asText()).isEqualTo("HEALTHY");
        assertThat(grant.get("consecutiveFailures").asInt()).isEqualTo(1);
        assertThat(check(refusedId).get("status").asText()).isEqualTo("HEALTHY");
        assertThat(types(id)).containsExactly("site.granted");
        assertThat(types(refusedId)).containsExactly("site.granted");
    }

    @Test
    void everyGrantIsRefreshedAtLeastEveryKeepAliveInterval() {
        // An access token that outlives the keep-alive interval: only the keep-alive can explain a refresh.
        grantwatch.simulator().setAccessTokenLifetime(Duration.ofDays(30));
        SimGrant sim;
        try {
            sim = simGrant(ALPHA);
        } finally {
            grantwatch.simulator().setAccessTokenLifetime(Duration.ofHours(1));
        }
        long id = register(sim, Map.of());
        long before = sim.refreshCount();
        clock().tick(Duration.ofDays(6));
        check(id);
        assertThat(sim.refreshCount()).isEqualTo(before);
        clock().tick(Duration.ofDays(2));
        check(id);
        assertThat(sim.refreshCount()).isEqualTo(before + 1);
    }

    @Test
    void theRefreshTokensYearlyLimitIsAnnouncedOnce() {
        SimGrant sim = simGrant(ALPHA);
        Instant consented = clock().instant().minus(Duration.ofDays(360)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        long id = register(sim, Map.of("consentedAt", consented.toString()));
        check(id);
        check(id);
        assertThat(types(id)).containsExactlyInAnyOrder("site.granted", "grant.expiring");
        JsonNode event = grantwatch.api().get("/v1/events?grantId=" + id + "&type=grant.expiring").json().get("events").get(0);
        assertThat(Instant.parse(event.get("data").get("expiresAt").asText())).isEqualTo(consented.plus(Duration.ofDays(365)));
    }

    @Test
    void theTokenEndpointHandsOutAValidTokenRefreshingFirst() {
        SimGrant sim = simGrant(ALPHA);
        long id = register(sim, Map.of());
        ApiClient.Response fresh = grantwatch.api().get("/v1/grants/" + id + "/token");
        assertThat(fresh.status()).isEqualTo(200);
        assertThat(fresh.json().get("accessToken").asText()).isEqualTo(sim.accessToken());
        long refreshes = sim.refreshCount();

        clock().tick(Duration.between(clock().instant(), sim.accessTokenExpiresAt()).minusSeconds(30));
        ApiClient.Response refreshed = grantwatch.api().get("/v1/grants/" + id + "/token");
        assertThat(sim.refreshCount()).isEqualTo(refreshes + 1);
        assertThat(refreshed.json().get("accessToken").asText()).isEqualTo(sim.accessToken());
        assertThat(Instant.parse(refreshed.json().get("expiresAt").asText())).isAfter(clock().instant().plus(Duration.ofMinutes(30)));
        // The token works: grantwatch itself keeps checking with it.
        assertThat(check(id).get("status").asText()).isEqualTo("HEALTHY");

        assertThat(new ApiClient(grantwatch.app().port(), null).get("/v1/grants/" + id + "/token").status()).isEqualTo(401);
        assertThat(grantwatch.api().get("/v1/grants/424242/token").status()).isEqualTo(404);
        sim.revoke();
        check(id);
        ApiClient.Response revoked = grantwatch.api().get("/v1/grants/" + id + "/token");
        assertThat(revoked.status()).isEqualTo(409);
        assertThat(revoked.json().get("error").asText()).isEqualTo("grant_revoked");
        assertThat(revoked.body()).doesNotContain("sim-at-");
    }

    @Test
    void withoutARefreshTokenAnExpiredGrantWaitsForNewTokens() {
        SimGrant sim = simGrant(ALPHA);
        ApiClient.Response created = grantwatch.api().post("/v1/grants", Map.of("accessToken", sim.accessToken(), "expiresIn", 3600));
        long id = created.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> grant(id).get("status").asText().equals("HEALTHY"));
        sim.expireAccessToken();
        assertThat(check(id).get("status").asText()).isEqualTo("TOKEN_EXPIRED");
        ApiClient.Response token = grantwatch.api().get("/v1/grants/" + id + "/token");
        assertThat(token.status()).isEqualTo(200); // Atlassian refused it, but it has not expired by the clock
        clock().tick(Duration.ofHours(1).plusSeconds(1)); // past the expiresIn it was registered with
        ApiClient.Response expired = grantwatch.api().get("/v1/grants/" + id + "/token");
        assertThat(expired.status()).isEqualTo(409);
        assertThat(expired.json().get("error").asText()).isEqualTo("token_expired");
        assertThat(types(id)).containsExactly("site.granted", "grant.token_expired");
    }
}
