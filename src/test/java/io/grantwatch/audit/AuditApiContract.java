package io.grantwatch.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Application;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.AppHarness;
import io.grantwatch.testing.KeyedDaemon;
import io.grantwatch.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every token hand-out, refused ones too, in GET /v1/audit; extended once per database. */
abstract class AuditApiContract {
    abstract TestDatabase newDatabase();

    @TempDir
    Path folder;
    AtlassianSimulator simulator;
    TestDatabase database;
    Application app;

    @BeforeEach
    void start() {
        simulator = AtlassianSimulator.start();
        database = newDatabase();
        app = KeyedDaemon.start(AppHarness.environment(database, simulator, folder), folder);
    }

    @AfterEach
    void stop() {
        app.close();
        database.close();
        simulator.close();
    }

    private ApiClient as(String key) {
        return new ApiClient(app.port(), key);
    }

    private long register(SimGrant grant) {
        return as(KeyedDaemon.BACKEND).post("/v1/grants", Map.of("accessToken", grant.accessToken(), "expiresIn", 3600))
                .json().get("id").asLong();
    }

    @Test
    void everyHandOutIsRecordedWithKeyGrantActionAndStatusAndNeverTheToken() {
        SimGrant sim = simulator.newGrant();
        long id = register(sim);
        assertThat(as(KeyedDaemon.BACKEND).get("/v1/grants/" + id + "/token").status()).isEqualTo(200);
        assertThat(as(KeyedDaemon.READ).get("/v1/grants/" + id + "/token").status()).isEqualTo(403);
        assertThat(as(null).get("/v1/grants/" + id + "/token").status()).isEqualTo(401);
        assertThat(as("wrong").get("/v1/grants/" + id + "/token").status()).isEqualTo(401);
        assertThat(as(KeyedDaemon.TOKENS).get("/v1/grants/999/token").status()).isEqualTo(404);
        assertThat(as(KeyedDaemon.TOKENS).get("/v1/grants/not-an-id/token").status()).isEqualTo(404);
        assertThat(as(AppHarness.API_KEY).get("/v1/grants/" + id + "/token").status()).isEqualTo(200);
        // Calls that hand out nothing are not audited.
        as(KeyedDaemon.BACKEND).get("/v1/grants/" + id);

        ApiClient.Response audit = as(KeyedDaemon.ADMIN).get("/v1/audit");
        assertThat(audit.status()).isEqualTo(200);
        assertThat(audit.body()).doesNotContain(sim.accessToken());
        List<String> entries = new ArrayList<>();
        for (JsonNode entry : audit.json().get("entries")) {
            assertThat(entry.get("id").isIntegralNumber()).isTrue();
            assertThat(entry.get("time").asText()).isNotBlank();
            assertThat(entry.get("status").isInt()).isTrue();
            entries.add(entry.get("key").asText(null) + " " + entry.get("grantId").asText(null) + " "
                    + entry.get("action").asText() + " " + entry.get("status").asInt());
        }
        assertThat(entries).containsExactly(
                "backend " + id + " token 200",
                "reader " + id + " token 403",
                "null " + id + " token 401",
                "null " + id + " token 401",
                "tokens 999 token 404",
                "tokens null token 404",
                "apiKey " + id + " token 200");
        assertThat(audit.json().get("nextCursor").asText()).isEqualTo(audit.json().get("entries").get(6).get("id").asText());

        String metrics = as(null).get("/metrics").body();
        assertThat(metrics).contains("grantwatch_token_handouts_total{key=\"backend\",outcome=\"ok\"} 1.0")
                .contains("grantwatch_token_handouts_total{key=\"reader\",outcome=\"refused\"} 1.0")
                .contains("grantwatch_token_handouts_total{key=\"operator\",outcome=\"ok\"} 0.0");
    }

    @Test
    void theAuditIsPagedOldestFirstFilteredByGrantAndForAdminsOnly() {
        long first = register(simulator.newGrant());
        long second = register(simulator.newGrant());
        for (int i = 0; i < 3; i++) {
            as(KeyedDaemon.BACKEND).get("/v1/grants/" + first + "/token");
            as(KeyedDaemon.BACKEND).get("/v1/grants/" + second + "/token");
        }
        ApiClient admin = as(KeyedDaemon.ADMIN);
        JsonNode page = admin.get("/v1/audit?limit=4").json();
        assertThat(page.get("entries")).hasSize(4);
        JsonNode rest = admin.get("/v1/audit?limit=4&after=" + page.get("nextCursor").asText()).json();
        assertThat(rest.get("entries")).hasSize(2);
        assertThat(rest.get("entries").get(0).get("id").asLong()).isGreaterThan(page.get("entries").get(3).get("id").asLong());
        JsonNode end = admin.get("/v1/audit?after=" + rest.get("nextCursor").asText()).json();
        assertThat(end.get("entries")).isEmpty();
        assertThat(end.get("nextCursor").asText()).isEqualTo(rest.get("nextCursor").asText());

        JsonNode ofSecond = admin.get("/v1/audit?grantId=" + second).json();
        assertThat(ofSecond.get("entries")).hasSize(3).allSatisfy(entry -> assertThat(entry.get("grantId").asLong()).isEqualTo(second));

        for (String bad : List.of("limit=0", "limit=-1", "limit=1001", "limit=x", "after=-1", "after=x", "grantId=x")) {
            ApiClient.Response refused = admin.get("/v1/audit?" + bad);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.json().get("error").asText()).as(bad).isNotBlank();
        }
        assertThat(as(KeyedDaemon.BACKEND).get("/v1/audit").status()).isEqualTo(403);
        assertThat(as(KeyedDaemon.READ).get("/v1/audit").status()).isEqualTo(403);
    }
}
