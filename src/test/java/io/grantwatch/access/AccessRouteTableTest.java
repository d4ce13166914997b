package io.grantwatch.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.Application;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.AppHarness;
import io.grantwatch.testing.KeyedDaemon;
import io.grantwatch.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each key against each route: a key with the route's role (or admin) passes the gate, whatever the
 * route answers then; one without it gets 403 forbidden; no key or an unknown one gets 401. Routes
 * that would change something are asked about ids that do not exist or with bodies they refuse,
 * so the table changes nothing.
 */
class AccessRouteTableTest {
    /**
     * One route, the role it needs (null: public), and a request to it; {@code template} when the path's
     * is not found from it; what a public route answers that request without a key.
     */
    record Call(String method, String path, String body, Role needs, String template, int publicStatus) {
        Call(String method, String path, String body, Role needs) {
            this(method, path, body, needs, null, 200);
        }

        Call(String method, String path, String body, Role needs, String template) {
            this(method, path, body, needs, template, 200);
        }
    }

    /** A proxied call that any key with the role gets a 400 for (the cloudId is malformed): nothing is called. */
    static final String PROXY = "/v1/grants/1/proxy/ex/jira/not-a-cloud-id/rest/api/3/myself";
    static final String PROXY_TEMPLATE = "/v1/grants/{id}/proxy/ex/{product}/{cloudId}/{path}";

    static final List<Call> ROUTES = List.of(
            new Call("POST", "/v1/grants", "{}", Role.WRITE),
            new Call("POST", "/v1/grants/import", "{}", Role.WRITE),
            new Call("GET", "/v1/grants", null, Role.READ),
            new Call("GET", "/v1/grants/1", null, Role.READ),
            new Call("PUT", "/v1/grants/999/tokens", "{}", Role.WRITE),
            new Call("DELETE", "/v1/grants/999", null, Role.WRITE),
            new Call("POST", "/v1/grants/999/check", null, Role.WRITE),
            new Call("GET", "/v1/grants/1/snapshots", null, Role.READ),
            new Call("GET", "/v1/grants/1/access?cloudId=x", null, Role.READ),
            new Call("GET", "/v1/grants/1/token", null, Role.TOKENS),
            new Call("GET", PROXY, null, Role.TOKENS, PROXY_TEMPLATE),
            new Call("POST", PROXY, "{}", Role.TOKENS, PROXY_TEMPLATE),
            new Call("PUT", PROXY, "{}", Role.TOKENS, PROXY_TEMPLATE),
            new Call("PATCH", PROXY, "{}", Role.TOKENS, PROXY_TEMPLATE),
            new Call("DELETE", PROXY, null, Role.TOKENS, PROXY_TEMPLATE),
            new Call("HEAD", PROXY, null, Role.TOKENS, PROXY_TEMPLATE),
            new Call("OPTIONS", PROXY, null, Role.TOKENS, PROXY_TEMPLATE),
            new Call("GET", "/v1/events", null, Role.READ),
            new Call("GET", "/v1/audit", null, Role.ADMIN),
            new Call("POST", "/v1/webhooks", "{}", Role.ADMIN),
            new Call("GET", "/v1/webhooks", null, Role.READ),
            new Call("GET", "/v1/webhooks/999", null, Role.READ),
            new Call("DELETE", "/v1/webhooks/999", null, Role.ADMIN),
            new Call("GET", "/v1/webhooks/999/deliveries", null, Role.READ),
            new Call("POST", "/v1/webhooks/999/redeliver", null, Role.ADMIN),
            new Call("POST", "/v1/webhooks/999/rotate-secret", null, Role.ADMIN),
            new Call("POST", "/v1/connect", "{}", Role.WRITE),
            // The browser's way back from Atlassian; this daemon has no consent flow configured.
            new Call("GET", "/connect/callback", null, null, null, 404),
            new Call("GET", "/health", null, null),
            new Call("GET", "/health/live", null, null),
            new Call("GET", "/metrics", null, null),
            new Call("GET", "/openapi.json", null, null),
            new Call("GET", "/", null, null));

    /** Each key and its roles; the old http.apiKey has every role. */
    static final Map<String, List<Role>> KEYS = Map.of(
            KeyedDaemon.READ, List.of(Role.READ),
            KeyedDaemon.WRITE, List.of(Role.WRITE),
            KeyedDaemon.TOKENS, List.of(Role.TOKENS),
            KeyedDaemon.ADMIN, List.of(Role.ADMIN),
            KeyedDaemon.BACKEND, List.of(Role.READ, Role.WRITE, Role.TOKENS),
            AppHarness.API_KEY, List.of(Role.values()));

    @TempDir
    static Path folder;
    static AtlassianSimulator simulator;
    static TestDatabase database;
    static Application app;

    @BeforeAll
    static void start() {
        simulator = AtlassianSimulator.start();
        database = TestDatabase.h2();
        app = KeyedDaemon.start(AppHarness.environment(database, simulator, folder), folder);
        ApiClient backend = new ApiClient(app.port(), KeyedDaemon.BACKEND);
        assertThat(backend.post("/v1/grants", Map.of("accessToken", simulator.newGrant().accessToken(), "expiresIn", 3600))
                .status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        app.close();
        database.close();
        simulator.close();
    }

    @Test
    void eachKeyPassesExactlyTheRoutesOfItsRoles() {
        List<String> wrong = new ArrayList<>();
        for (Call call : ROUTES) {
            for (Map.Entry<String, List<Role>> key : KEYS.entrySet()) {
                ApiClient.Response response = new ApiClient(app.port(), key.getKey()).send(call.method(), call.path(), call.body());
                boolean allowed = call.needs() == null || key.getValue().contains(Role.ADMIN) || key.getValue().contains(call.needs());
                if (allowed && (response.status() == 401 || response.status() == 403 || response.status() >= 500)) {
                    wrong.add(key.getKey() + " " + call.method() + " " + call.path() + ": " + response.status() + " " + response.body());
                }
                if (!allowed && !(response.status() == 403 && hasError(call, response, "forbidden"))) {
                    wrong.add(key.getKey() + " " + call.method() + " " + call.path() + ": " + response.status() + " " + response.body());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void theTableCoversEveryDocumentedOperationWithTheRoleTheDocumentGivesIt() {
        java.util.Map<String, String> documented = new java.util.TreeMap<>();
        new ApiClient(app.port(), null).get("/openapi.json").json().path("paths").fields().forEachRemaining(path ->
                path.getValue().fields().forEachRemaining(operation -> {
                    if (operation.getValue().has("responses")) {
                        documented.put(operation.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey(),
                                operation.getValue().path("x-grantwatch-role").asText("public"));
                    }
                }));
        java.util.Map<String, String> table = new java.util.TreeMap<>();
        for (Call call : ROUTES) {
            String template = call.template() != null ? call.template()
                    : call.path().split("\\?")[0].replaceAll("/[0-9]+(?=/|$)", "/{id}");
            if (!template.equals("/")) {
                table.put(call.method() + " " + template, call.needs() == null ? "public" : call.needs().wireName());
            }
        }
        assertThat(table).isEqualTo(documented);
    }

    /** The answer's error code; a HEAD answer has no body to hold one. */
    static boolean hasError(Call call, ApiClient.Response response, String code) {
        return call.method().equals("HEAD") || response.json().path("error").asText().equals(code);
    }

    @Test
    void noKeyOrAnUnknownOneIsUnauthorizedOnEveryV1Route() {
        List<String> wrong = new ArrayList<>();
        for (Call call : ROUTES) {
            for (String key : new String[] {null, "not-a-key", KeyedDaemon.READ + "x", "sha256:" + "0".repeat(64)}) {
                ApiClient.Response response = new ApiClient(app.port(), key).send(call.method(), call.path(), call.body());
                int expected = call.needs() == null ? call.publicStatus() : 401;
                if (response.status() != expected
                        || (expected == 401 && !hasError(call, response, "unauthorized"))) {
                    wrong.add(key + " " + call.method() + " " + call.path() + ": " + response.status());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void theDashboardWorksWithAReadKeyAndShowsNoSecret() {
        ApiClient admin = new ApiClient(app.port(), KeyedDaemon.ADMIN);
        ApiClient.Response created = admin.post("/v1/webhooks", Map.of("url", "http://127.0.0.1:9/hook"));
        assertThat(created.status()).isEqualTo(201);
        String secret = created.json().get("secret").asText();
        ApiClient reader = new ApiClient(app.port(), KeyedDaemon.READ);
        // What the dashboard's page asks for.
        for (String path : List.of("/v1/grants?limit=1", "/v1/grants", "/v1/grants/1", "/v1/grants/1/snapshots?limit=100",
                "/v1/events?grantId=1", "/v1/events?after=0&limit=500", "/v1/webhooks",
                "/v1/webhooks/" + created.json().get("id").asText())) {
            ApiClient.Response response = reader.get(path);
            assertThat(response.status()).as(path).isEqualTo(200);
            assertThat(response.body()).as(path).doesNotContain(secret);
        }
        assertThat(reader.post("/v1/webhooks/" + created.json().get("id").asText() + "/rotate-secret", null).status())
                .isEqualTo(403);
    }
}
