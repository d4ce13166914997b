package io.grantwatch.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Application;
import io.grantwatch.cli.Main;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.Fault;
import io.grantwatch.simulator.SimConsent;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.AppHarness;
import io.grantwatch.testing.Browser;
import io.grantwatch.testing.DaemonProcess;
import io.grantwatch.testing.GrantwatchExtension;
import io.grantwatch.testing.LogCapture;
import io.grantwatch.testing.TestDatabase;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consent flow end to end over real HTTP: grantwatch on a real database, the simulator as
 * Atlassian, and the JDK HttpClient as the user's browser following the redirects. Extended once
 * per database.
 */
abstract class ConnectContract {
    static final String API_KEY = AppHarness.API_KEY;
    static final String RETURN_URL = "https://integration.example.com/connected?from=test";
    static final SimSite ALPHA = SimSite.of("Connect Alpha", "read:jira-work", "write:jira-work");
    static final SimSite BETA = SimSite.of("Connect Beta", "read:confluence-content.all");
    static final SimSite GAMMA = SimSite.of("Connect Gamma", "read:jira-work");

    /** The callback URL must be configured before the daemon starts, so its port is chosen first. */
    static final int PORT = DaemonProcess.freePort();
    static final String CALLBACK_URL = "http://127.0.0.1:" + PORT + "/connect/callback";

    @RegisterExtension
    static final GrantwatchExtension grantwatch = GrantwatchExtension.create()
            .withRefresh()
            .settableClock()
            .env("GRANTWATCH_HTTP_PORT", Integer.toString(PORT))
            .env("GRANTWATCH_ATLASSIAN_REDIRECTURI", CALLBACK_URL)
            .env("GRANTWATCH_ATLASSIAN_SCOPES", "read:jira-work,write:jira-work read:confluence-content.all,read:me");

    @TempDir
    static Path dataDir;

    static AtlassianSimulator simulator;
    static Application app;
    static ApiClient api;
    static Jdbi jdbi;
    static LogCapture logs;
    static String callbackUrl = CALLBACK_URL;
    static final Browser browser = new Browser();
    static final List<String> answers = new ArrayList<>();

    @BeforeAll
    static void start() {
        logs = new LogCapture();
        simulator = grantwatch.simulator();
        simulator.registerRedirectUri(CALLBACK_URL);
        app = grantwatch.app();
        api = grantwatch.api();
        jdbi = grantwatch.jdbi();
    }

    @AfterAll
    static void stop() {
        try {
            List<String> secrets = new ArrayList<>(List.of(simulator.clientSecret()));
            for (String text : browser.seen()) {
                if (text.contains("code=")) {
                    String code = Browser.query(URI.create(text).getRawQuery()).get("code");
                    if (code != null && code.startsWith("sim-code-") && !code.equals("sim-code-made-up")) {
                        secrets.add(code);
                    }
                }
            }
            for (String account : List.of("acc-first", "acc-second", "acc-revoked", "acc-named", "acc-cli", "acc-down", "acc-scopes")) {
                simulator.grantOf(account).ifPresent(grant -> {
                    secrets.add(grant.accessToken());
                    secrets.add(grant.refreshToken());
                });
            }
            assertThat(secrets).hasSizeGreaterThan(3);
            List<String> everything = new ArrayList<>(answers);
            everything.addAll(logs.lines());
            // The browser's own URLs carry the code; the pages it got must not.
            browser.seen().stream().filter(text -> !text.startsWith("http")).forEach(everything::add);
            for (String secret : secrets) {
                assertThat(everything).noneMatch(text -> text.contains(secret));
            }
        } finally {
            logs.close();
        }
    }

    // ---- helpers ----

    static ApiClient.Response call(ApiClient.Response response) {
        answers.add(response.body());
        return response;
    }

    static JsonNode connect(Map<String, Object> body) {
        Map<String, Object> request = new LinkedHashMap<>(body);
        request.putIfAbsent("returnUrl", RETURN_URL);
        ApiClient.Response response = call(api.post("/v1/connect", request));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    /** The user's browser: to Atlassian, the consent, back to grantwatch, and up to the return URL. */
    static Map<String, String> consent(JsonNode started) {
        Browser.Page last = browser.followUntil(started.get("authorizeUrl").asText(), "https://integration.example.com/");
        assertThat(last.status()).as(last.body()).isEqualTo(302);
        assertThat(last.location()).startsWith(RETURN_URL + "&");
        return last.parameters();
    }

    /** Up to Atlassian's redirect to the callback, which is not followed yet. */
    static String callbackOf(JsonNode started) {
        Browser.Page atlassian = browser.get(started.get("authorizeUrl").asText());
        assertThat(atlassian.status()).as(atlassian.body()).isEqualTo(302);
        assertThat(atlassian.location()).startsWith(callbackUrl + "?");
        return atlassian.location();
    }

    static JsonNode grant(long id) {
        return call(api.get("/v1/grants/" + id)).json();
    }

    static List<JsonNode> events(long grantId) {
        JsonNode page = call(api.get("/v1/events?grantId=" + grantId + "&limit=1000")).json();
        return StreamSupport.stream(page.get("events").spliterator(), false).toList();
    }

    static List<String> types(long grantId) {
        return events(grantId).stream().map(event -> event.get("type").asText()).toList();
    }

    static JsonNode lastConnected(long grantId) {
        List<JsonNode> connected = events(grantId).stream().filter(e -> e.get("type").asText().equals("grant.connected")).toList();
        assertThat(connected).isNotEmpty();
        return connected.getLast().get("data");
    }

    static long count(String sql) {
        return jdbi.withHandle(handle -> handle.createQuery(sql).mapTo(Long.class).one());
    }

    /** What a failure must leave as it was: grants, their tokens, events. */
    static List<Long> footprint() {
        return List.of(count("SELECT COUNT(*) FROM grants"), count("SELECT COUNT(*) FROM events"),
                count("SELECT COALESCE(SUM(token_version), 0) FROM grants"));
    }

    // ---- the contract ----

    @Test
    void aFirstConsentMakesAGrantChecksItAndSaysWhichSiteWasAuthorised() {
        JsonNode started = connect(Map.of("externalId", "user-first", "label", "First user"));
        String authorizeUrl = started.get("authorizeUrl").asText();
        assertThat(authorizeUrl).startsWith(simulator.baseUrl() + "/authorize?audience=api.atlassian.com&client_id=sim-client&scope=");
        assertThat(started.get("state").asText()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(started.get("expiresAt").asText()).isNotBlank();

        simulator.scriptConsent(SimConsent.approve("acc-first", ALPHA));
        Map<String, String> back = consent(started);

        Map<String, String> asked = simulator.lastAuthorizeParameters();
        assertThat(asked).containsEntry("audience", "api.atlassian.com").containsEntry("response_type", "code")
                .containsEntry("prompt", "consent").containsEntry("redirect_uri", callbackUrl)
                .containsEntry("state", started.get("state").asText())
                .containsEntry("scope", "read:jira-work write:jira-work read:confluence-content.all read:me offline_access");
        assertThat(back).containsEntry("status", "connected").containsEntry("newSites", ALPHA.cloudId()).containsEntry("from", "test");
        long id = Long.parseLong(back.get("grantId"));
        JsonNode grant = grant(id);
        assertThat(grant.get("status").asText()).isEqualTo("HEALTHY");
        assertThat(grant.get("accountId").asText()).isEqualTo("acc-first");
        assertThat(grant.get("externalId").asText()).isEqualTo("user-first");
        assertThat(grant.get("label").asText()).isEqualTo("First user");
        assertThat(grant.get("connectedAt").isNull()).isFalse();
        assertThat(grant.get("hasRefreshToken").asBoolean()).isTrue();
        assertThat(grant.get("sites")).hasSize(1);
        String jira = simulator.baseUrl() + "/ex/jira/" + ALPHA.cloudId();
        assertThat(grant.get("sites").get(0).get("apiUrls").toString()).isEqualTo("{\"jira\":\"" + jira + "\"}");
        JsonNode snapshot = call(api.get("/v1/grants/" + id + "/snapshots")).json().get("snapshots").get(0);
        assertThat(snapshot.get("sites").get(0).get("apiUrls").get("jira").asText()).isEqualTo(jira);
        assertThat(events(id).getFirst().get("data").get("apiUrls").get("jira").asText()).isEqualTo(jira);
        assertThat(types(id)).containsExactly("site.granted", "grant.connected");
        JsonNode connected = lastConnected(id);
        assertThat(connected.get("newSites")).hasSize(1);
        assertThat(connected.get("newSites").get(0).asText()).isEqualTo(ALPHA.cloudId());
        assertThat(connected.get("reconnected").asBoolean()).isFalse();
        assertThat(connected.get("accountId").asText()).isEqualTo("acc-first");
        // The tokens are stored encrypted, as the ones given to POST /v1/grants are.
        SimGrant sim = simulator.grantOf("acc-first").orElseThrow();
        String stored = jdbi.withHandle(handle -> handle.createQuery("SELECT access_token FROM grants WHERE id = :id")
                .bind("id", id).mapTo(String.class).one());
        assertThat(stored).startsWith("v1.").doesNotContain(sim.accessToken());
    }

    @Test
    void aSecondConsentAddingASiteReconnectsInPlaceAndNamesExactlyThatSite() {
        simulator.scriptConsent(SimConsent.approve("acc-second", ALPHA));
        long id = Long.parseLong(consent(connect(Map.of())).get("grantId"));

        simulator.scriptConsent(SimConsent.approve("acc-second", BETA));
        String callback = callbackOf(connect(Map.of()));
        // A scheduled check between the consent and the callback already sees the new site with the old token.
        JsonNode between = call(api.post("/v1/grants/" + id + "/check", null)).json();
        assertThat(between.get("sites")).hasSize(2);
        Browser.Page last = browser.get(callback);

        Map<String, String> back = last.parameters();
        assertThat(back).containsEntry("grantId", Long.toString(id)).containsEntry("status", "connected")
                .containsEntry("newSites", BETA.cloudId());
        assertThat(count("SELECT COUNT(*) FROM grants WHERE account_id = 'acc-second'")).isEqualTo(1);
        JsonNode connected = lastConnected(id);
        assertThat(connected.get("reconnected").asBoolean()).isTrue();
        assertThat(connected.get("newSites")).hasSize(1);
        assertThat(connected.get("newSites").get(0).asText()).isEqualTo(BETA.cloudId());
        JsonNode beta = StreamSupport.stream(grant(id).get("sites").spliterator(), false)
                .filter(site -> site.get("cloudId").asText().equals(BETA.cloudId())).findFirst().orElseThrow();
        assertThat(beta.get("apiUrls").toString())
                .isEqualTo("{\"confluence\":\"" + simulator.baseUrl() + "/ex/confluence/" + BETA.cloudId() + "\"}");

        // Consenting again to a site it holds: the same grant, and no new site.
        simulator.scriptConsent(SimConsent.approve("acc-second", ALPHA));
        assertThat(consent(connect(Map.of()))).containsEntry("grantId", Long.toString(id)).containsEntry("newSites", "");
        assertThat(grant(id).get("sites")).hasSize(2);
    }

    @Test
    void aConsentWithOtherScopesChangesThemInPlace() {
        simulator.scriptConsent(SimConsent.approve("acc-scopes", ALPHA));
        long id = Long.parseLong(consent(connect(Map.of())).get("grantId"));

        simulator.scriptConsent(SimConsent.approve("acc-scopes", ALPHA.withScopes(List.of("read:jira-work"))));
        Map<String, String> back = consent(connect(Map.of()));

        assertThat(back).containsEntry("grantId", Long.toString(id)).containsEntry("newSites", "");
        assertThat(types(id)).containsExactly("site.granted", "grant.connected", "site.scopes_changed", "grant.connected");
        assertThat(grant(id).get("sites").get(0).get("scopes").toString()).isEqualTo("[\"read:jira-work\"]");
    }

    @Test
    void aConsentByARevokedGrantsAccountRestoresIt() {
        simulator.scriptConsent(SimConsent.approve("acc-revoked", GAMMA));
        long id = Long.parseLong(consent(connect(Map.of())).get("grantId"));
        simulator.grantOf("acc-revoked").orElseThrow().revoke();
        assertThat(call(api.post("/v1/grants/" + id + "/check", null)).json().get("status").asText()).isEqualTo("REVOKED");

        simulator.scriptConsent(SimConsent.approve("acc-revoked", GAMMA));
        Map<String, String> back = consent(connect(Map.of()));

        assertThat(back).containsEntry("grantId", Long.toString(id)).containsEntry("newSites", GAMMA.cloudId());
        assertThat(grant(id).get("status").asText()).isEqualTo("HEALTHY");
        assertThat(types(id)).containsSubsequence("grant.revoked", "grant.restored", "grant.connected");
    }

    @Test
    void aConnectNamingAGrantRenewsThatGrant() {
        SimGrant old = simulator.newGrant();
        old.setSites(List.of(ALPHA));
        ApiClient.Response registered = call(api.post("/v1/grants", Map.of("accessToken", old.accessToken(), "expiresIn", 3600)));
        long id = registered.json().get("id").asLong();
        call(api.post("/v1/grants/" + id + "/check", null));

        simulator.scriptConsent(SimConsent.approve("acc-named", GAMMA));
        Map<String, String> back = consent(connect(Map.of("grantId", id, "label", "Renamed")));

        assertThat(back).containsEntry("grantId", Long.toString(id));
        JsonNode grant = grant(id);
        assertThat(grant.get("accountId").asText()).isEqualTo("acc-named");
        assertThat(grant.get("label").asText()).isEqualTo("Renamed");
        // The simulator's new grant holds GAMMA only: the old token's grant is another Atlassian grant.
        assertThat(back.get("newSites")).isEqualTo(GAMMA.cloudId());
        assertThat(call(api.post("/v1/connect", Map.of("returnUrl", RETURN_URL, "grantId", 999999))).status()).isEqualTo(404);
    }

    @Test
    void withoutReadMeTheExternalIdFindsTheGrant() {
        Map<String, Object> body = Map.of("externalId", "user-no-me", "scopes", List.of("read:jira-work"));
        simulator.scriptConsent(SimConsent.approve("acc-no-me", GAMMA));
        long id = Long.parseLong(consent(connect(body)).get("grantId"));
        assertThat(simulator.lastAuthorizeParameters()).containsEntry("scope", "read:jira-work offline_access");

        simulator.scriptConsent(SimConsent.approve("acc-no-me", GAMMA));
        Map<String, String> back = consent(connect(body));

        assertThat(back).containsEntry("grantId", Long.toString(id)).containsEntry("newSites", "");
        assertThat(grant(id).get("accountId").isNull()).isTrue();
        assertThat(lastConnected(id).get("accountId").isNull()).isTrue();
    }

    @Test
    void aDeclinedConsentStoresNothing() {
        List<Long> before = footprint();
        simulator.scriptConsent(SimConsent.decline());

        Map<String, String> back = consent(connect(Map.of("externalId", "user-declined")));

        assertThat(back).containsEntry("status", "error").containsEntry("error", "access_denied").doesNotContainKey("grantId");
        assertThat(footprint()).isEqualTo(before);
    }

    @Test
    void aFailedExchangeStoresNothing() {
        List<Long> before = footprint();
        simulator.failNextRefresh(1, Fault.SERVER_ERROR);
        simulator.scriptConsent(SimConsent.approve("acc-down", ALPHA));
        assertThat(consent(connect(Map.of()))).containsEntry("status", "error").containsEntry("error", "exchange_failed");

        // A bad code.
        simulator.scriptConsent(SimConsent.approve("acc-down", ALPHA));
        String callback = callbackOf(connect(Map.of()));
        String badCode = callback.replaceAll("code=[^&]+", "code=sim-code-made-up");
        assertThat(browser.get(badCode).parameters()).containsEntry("error", "exchange_failed");

        // A code used twice: the first use stands, the second (with a fresh state) fails.
        assertThat(footprint()).isEqualTo(before);
        simulator.scriptConsent(SimConsent.approve("acc-down", ALPHA));
        String first = callbackOf(connect(Map.of()));
        assertThat(browser.get(first).parameters()).containsEntry("status", "connected");
        List<Long> afterFirst = footprint();
        simulator.scriptConsent(SimConsent.approve("acc-down", ALPHA));
        String second = callbackOf(connect(Map.of()));
        String reused = second.replaceAll("code=[^&]+", "code=" + Browser.query(URI.create(first).getRawQuery()).get("code"));
        assertThat(browser.get(reused).parameters()).containsEntry("status", "error").containsEntry("error", "exchange_failed");
        assertThat(footprint()).isEqualTo(afterFirst);
    }

    @Test
    void anUnknownReplayedOrExpiredStateGetsAPageAndStoresNothing() {
        simulator.scriptConsent(SimConsent.approve("acc-replay", ALPHA));
        String callback = callbackOf(connect(Map.of()));
        assertThat(browser.get(callback).status()).isEqualTo(302);
        List<Long> before = footprint();

        Browser.Page replayed = browser.get(callback);
        assertThat(replayed.status()).isEqualTo(400);
        assertThat(replayed.location()).isNull();
        assertThat(replayed.body()).contains("unknown, was used already, or expired");

        assertThat(browser.get(callbackUrl + "?code=x&state=made-up").status()).isEqualTo(400);
        assertThat(browser.get(callbackUrl + "?code=x").status()).isEqualTo(400);

        simulator.scriptConsent(SimConsent.approve("acc-replay", ALPHA));
        JsonNode started = connect(Map.of());
        String late = callbackOf(started);
        grantwatch.clock().tick(Duration.ofMinutes(11));
        assertThat(browser.get(late).status()).isEqualTo(400);
        assertThat(footprint()).isEqualTo(before);
    }

    @Test
    void badConnectRequestsAreRefusedAndStoreNothing() {
        long attempts = count("SELECT COUNT(*) FROM connect_attempts");
        for (String returnUrl : List.of("ftp://example.com/x", "/relative", "javascript:alert(1)", "https://", "https://a.example/x#frag")) {
            ApiClient.Response refused = call(api.post("/v1/connect", Map.of("returnUrl", returnUrl)));
            assertThat(refused.status()).as(returnUrl).isEqualTo(400);
            assertThat(refused.json().get("error").asText()).isEqualTo("invalid_field");
        }
        assertThat(call(api.post("/v1/connect", Map.of())).json().get("error").asText()).isEqualTo("missing_field");
        assertThat(call(api.post("/v1/connect", Map.of("returnUrl", RETURN_URL, "scopes", List.of("offline_access")))).status())
                .isEqualTo(400);
        assertThat(call(api.post("/v1/connect", Map.of("returnUrl", RETURN_URL, "scopes", List.of("a\"b")))).status()).isEqualTo(400);
        assertThat(call(api.post("/v1/connect", Map.of("returnUrl", RETURN_URL, "other", 1))).json().get("error").asText())
                .isEqualTo("unknown_field");
        assertThat(new ApiClient(app.port(), null).post("/v1/connect", Map.of("returnUrl", RETURN_URL)).status()).isEqualTo(401);
        assertThat(count("SELECT COUNT(*) FROM connect_attempts")).isEqualTo(attempts);
    }

    @Test
    void theCommandLinePrintsTheAuthorizationUrlAndShowsTheConnectedGrant() {
        Map<String, String> env = Map.of("GRANTWATCH_HTTP_APIKEY", API_KEY);
        String url = "http://127.0.0.1:" + app.port();
        StringWriter out = new StringWriter();
        int code = Main.execute(new Main.Io(InputStream.nullInputStream(), new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true), env), "connect", "--url", url, "--return-url", RETURN_URL,
                "--external-id", "cli-user", "--scope", "read:jira-work", "--scope", "read:me");
        assertThat(code).isZero();
        String authorizeUrl = out.toString().strip();
        assertThat(authorizeUrl).startsWith(simulator.baseUrl() + "/authorize?").contains("scope=read%3Ajira-work%20read%3Ame%20offline_access");
        answers.add(out.toString());

        simulator.scriptConsent(SimConsent.approve("acc-cli", ALPHA));
        Browser.Page last = browser.followUntil(authorizeUrl, "https://integration.example.com/");
        String id = last.parameters().get("grantId");
        StringWriter shown = new StringWriter();
        assertThat(Main.execute(new Main.Io(InputStream.nullInputStream(), new PrintWriter(shown, true),
                new PrintWriter(new StringWriter(), true), env), "grants", "show", id, "--url", url)).isZero();
        answers.add(shown.toString());
        assertThat(shown.toString()).contains("account:       acc-cli", "connected:", "API URLs:",
                "jira: " + simulator.baseUrl() + "/ex/jira/" + ALPHA.cloudId());
    }

    @Test
    void theStateIsStoredHashed() {
        JsonNode started = connect(Map.of());
        String state = started.get("state").asText();
        List<String> stored = jdbi.withHandle(handle -> handle.createQuery("SELECT state_hash FROM connect_attempts")
                .mapTo(String.class).list());
        assertThat(stored).contains(ConsentUrls.hash(state)).doesNotContain(state);
    }

    @Test
    void withoutTheConfigurationConnectingIsOff() {
        try (TestDatabase other = TestDatabase.h2()) {
            Map<String, String> env = new HashMap<>(AppHarness.environment(other, simulator, dataDir.resolve("off")));
            try (Application off = AppHarness.start(env)) {
                ApiClient.Response refused = call(new ApiClient(off.port(), API_KEY).post("/v1/connect", Map.of("returnUrl", RETURN_URL)));
                assertThat(refused.status()).isEqualTo(409);
                assertThat(refused.json().get("error").asText()).isEqualTo("not_configured");
            }
        }
    }
}
