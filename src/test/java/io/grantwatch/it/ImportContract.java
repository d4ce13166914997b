package io.grantwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.cli.Main;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.AppHarness;
import io.grantwatch.testing.GrantwatchExtension;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Bulk import through the API and the command line: per-item errors, the others registered and scheduled. Once per database. */
abstract class ImportContract {
    @RegisterExtension
    static final GrantwatchExtension grantwatch = GrantwatchExtension.create()
            .env("GRANTWATCH_POLLING_INTERVAL", "PT2S")
            .env("GRANTWATCH_POLLING_DISPATCHPERIOD", "PT0.2S");

    @TempDir
    Path dir;

    @Test
    void aBodyWithGoodBadAndDuplicateItems() {
        SimGrant existing = sim();
        assertThat(grantwatch.api().post("/v1/grants", Map.of("accessToken", existing.accessToken(), "externalId", "api-taken"))
                .status()).isEqualTo(201);
        SimGrant first = sim();
        SimGrant second = sim();
        SimGrant third = sim();
        List<Object> items = new ArrayList<>();
        items.add(Map.of("accessToken", first.accessToken(), "externalId", "api-a", "label", "first"));
        items.add(Map.of("externalId", "api-no-token"));
        items.add(Map.of("accessToken", sim().accessToken(), "externalId", "api-taken"));
        items.add(Map.of("accessToken", second.accessToken(), "externalId", "api-b", "expiresIn", 3600));
        items.add(Map.of("accessToken", sim().accessToken(), "externalId", "api-a"));
        items.add("not an object");
        items.add(Map.of("accessToken", third.accessToken()));
        ApiClient.Response answer = grantwatch.api().post("/v1/grants/import", Map.of("grants", items));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode body = answer.json();
        assertThat(body.get("imported").asInt()).isEqualTo(3);
        assertThat(indexes(body.get("grants"))).containsExactly(0, 3, 6);
        assertThat(indexes(body.get("errors"))).containsExactly(1, 2, 4, 5);
        Map<Integer, String> codes = new LinkedHashMap<>();
        body.get("errors").forEach(error -> codes.put(error.get("index").asInt(), error.get("error").asText()));
        assertThat(codes).containsExactly(Map.entry(1, "missing_field"), Map.entry(2, "conflict"), Map.entry(4, "conflict"),
                Map.entry(5, "invalid_item"));
        assertThat(body.get("grants").get(0).get("externalId").asText()).isEqualTo("api-a");
        assertThat(body.get("grants").get(2).get("externalId").isNull()).isTrue();
        assertThat(answer.body()).doesNotContain(first.accessToken()).doesNotContain(second.accessToken());

        List<Long> ids = new ArrayList<>();
        body.get("grants").forEach(grant -> ids.add(grant.get("id").asLong()));
        // Encrypted exactly as one by one: nothing in plain text, and the stored value decrypts to the token.
        String stored = grantwatch.jdbi().withHandle(handle -> handle.createQuery("SELECT access_token FROM grants WHERE id = :id")
                .bind("id", ids.getFirst()).mapTo(String.class).one());
        assertThat(stored).doesNotContain(first.accessToken());
        assertThat(grantwatch.app().cipher().decrypt(stored)).isEqualTo(first.accessToken());
        // Each takes its place in the regular schedule: a phase of its own, and its first check at that slot.
        List<Double> phases = grantwatch.jdbi().withHandle(handle -> handle.createQuery(
                "SELECT phase FROM grants WHERE id IN (<ids>) AND next_check_at IS NULL").bindList("ids", ids).mapTo(Double.class).list());
        assertThat(phases).hasSize(3).doesNotContainNull().doesNotHaveDuplicates();
        await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> status(id).equals("HEALTHY")));
        assertThat(grantwatch.api().get("/v1/grants/" + ids.get(1)).json().get("accessTokenExpiresAt").isNull()).isFalse();
    }

    @Test
    void aBodyOverTheLimitOrMalformedIsRefusedWhole() {
        List<Object> tooMany = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            tooMany.add(Map.of("accessToken", "t" + i));
        }
        assertThat(grantwatch.api().post("/v1/grants/import", Map.of("grants", tooMany)).status()).isEqualTo(400);
        assertThat(grantwatch.api().post("/v1/grants/import", Map.of("grant", List.of())).status()).isEqualTo(400);
        assertThat(grantwatch.api().post("/v1/grants/import", List.of()).status()).isEqualTo(400);
    }

    @Test
    void aFileWithGoodBadAndDuplicateLines() throws Exception {
        Path config = dir.resolve("grantwatch.yaml");
        Files.writeString(config, "http:\n  port: " + grantwatch.app().port() + "\n  apiKey: " + AppHarness.API_KEY + "\n");
        SimGrant one = sim();
        SimGrant two = sim();
        Path file = dir.resolve("grants.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"accessToken\": \"" + one.accessToken() + "\", \"externalId\": \"cli-1\"}",
                "{\"accessToken\": \"" + sim().accessToken() + "\", \"externalId\": ",
                "{\"accessToken\": \"" + sim().accessToken() + "\", \"externalId\": \"cli-1\"}",
                "{\"accessToken\": \"" + sim().accessToken() + "\", \"colour\": \"blue\"}",
                "",
                "{\"accessToken\": \"" + two.accessToken() + "\", \"externalId\": \"cli-2\", \"refreshToken\": null}") + "\n");

        Run run = cli("", "grants", "import", file.toString(), "--config", config.toString());
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("Imported 2 grants; 3 lines failed.")
                .contains("line 2: malformed_line").contains("line 3: conflict").contains("line 4: unknown_field");
        assertThat(run.err()).contains("6/6 lines");
        assertThat(run.out() + run.err()).doesNotContain(one.accessToken()).doesNotContain(two.accessToken());

        Run json = cli("{\"accessToken\": \"" + sim().accessToken() + "\", \"externalId\": \"cli-3\"}\n",
                "grants", "import", "-", "--json", "--config", config.toString());
        assertThat(json.code()).as(json.out() + json.err()).isEqualTo(0);
        JsonNode summary = io.grantwatch.Json.MAPPER.readTree(json.out());
        assertThat(summary.get("imported").asInt()).isEqualTo(1);
        assertThat(summary.get("grants").get(0).get("line").asInt()).isEqualTo(1);
        assertThat(summary.get("grants").get(0).get("externalId").asText()).isEqualTo("cli-3");
    }

    record Run(int code, String out, String err) {}

    private static Run cli(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Main.Io io = new Main.Io(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintWriter(out, true),
                new PrintWriter(err, true), new HashMap<>());
        int code = Main.execute(io, args);
        return new Run(code, out.toString(), err.toString());
    }

    private static SimGrant sim() {
        SimGrant grant = grantwatch.simulator().newGrant();
        grant.setSites(List.of(SimSite.of("Alpha", "read:jira-work")));
        return grant;
    }

    private static String status(long id) {
        return grantwatch.api().get("/v1/grants/" + id).json().get("status").asText();
    }

    private static List<Integer> indexes(JsonNode items) {
        List<Integer> indexes = new ArrayList<>();
        items.forEach(item -> indexes.add(item.get("index").asInt()));
        return indexes;
    }
}
