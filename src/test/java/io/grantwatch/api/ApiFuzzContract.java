package io.grantwatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Application;
import io.grantwatch.Json;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.testing.AppHarness;
import io.grantwatch.testing.KeyedDaemon;
import io.grantwatch.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input, tried systematically. For every operation of {@code /openapi.json}, requests that are
 * wrong in one way each (path ids, each documented query parameter, bodies of the wrong shape, fields
 * of the wrong type, missing and unknown fields, duplicate keys, huge numbers, control and unicode
 * characters, very long strings and paths, bodies over the limit, wrong content types, wrong
 * methods), plus random strings from jqwik in the same places: each must be a 4xx with the JSON
 * error shape, never a 500, and afterwards the database holds what it held before. Extended once per
 * database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApiFuzzContract {
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE");
    private static final int MAX_BODY = 64 * 1024;
    /** Values no id, cursor, limit or duration accepts. */
    private static final List<String> BAD_NUMBERS = List.of("abc", "-1", "1.5", "1e3", "0x10", "99999999999999999999999",
            "9223372036854775808", "%00", "%E2%80%AE", "%D9%A3", "%F0%9F%92%A3", " 1", "1 ", "+1", "٣".repeat(2), "9".repeat(3000));

    abstract TestDatabase newDatabase();

    @TempDir
    static Path folder;
    AtlassianSimulator simulator;
    TestDatabase database;
    Application app;
    JsonNode document;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Attempt(String method, String path, String contentType, byte[] body, String why) {
        @Override
        public String toString() {
            String shown = body == null ? "" : new String(body, StandardCharsets.UTF_8);
            return method + " " + abbreviate(path) + (contentType != null ? " [" + contentType + "]" : "")
                    + (body != null ? " " + abbreviate(shown) : "") + " (" + why + ")";
        }
    }

    @BeforeAll
    void start() throws Exception {
        simulator = AtlassianSimulator.start();
        database = newDatabase();
        app = KeyedDaemon.start(AppHarness.environment(database, simulator, folder), folder);
        var admin = new io.grantwatch.testing.ApiClient(app.port(), KeyedDaemon.ADMIN);
        assertThat(admin.post("/v1/grants", Map.of("accessToken", simulator.newGrant().accessToken(), "expiresIn", 3600,
                "externalId", "fuzz-1")).status()).isEqualTo(201);
        assertThat(admin.post("/v1/webhooks", Map.of("url", "http://127.0.0.1:9/hook")).status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/v1/grants/1").json().path("status").asText().equals("HEALTHY"));
        document = admin.get("/openapi.json").json();
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
        database.close();
        simulator.close();
    }

    @Test
    void hostileRequestsToEveryRouteAreRefusedWithTheErrorShapeAndChangeNothing() throws Exception {
        String before = fingerprint();
        List<Attempt> attempts = attempts();
        List<String> wrong = new ArrayList<>();
        for (Attempt attempt : attempts) {
            HttpResponse<String> answer = send(attempt);
            boolean isImport = attempt.method().equals("POST") && attempt.path().equals("/v1/grants/import");
            String problem = isImport ? importProblem(answer) : problem(answer);
            if (problem != null) {
                wrong.add(problem + ": " + attempt + " -> " + answer.statusCode() + " " + abbreviate(answer.body()));
            }
        }
        assertThat(attempts).hasSizeGreaterThan(500);
        assertThat(wrong).as("of %d requests", attempts.size()).isEmpty();
        assertThat(fingerprint()).isEqualTo(before);
        // Refused token hand-outs are recorded (that is the audit's point); none was handed out.
        var audit = new io.grantwatch.testing.ApiClient(app.port(), KeyedDaemon.ADMIN).get("/v1/audit?limit=1000").json();
        for (JsonNode entry : audit.path("entries")) {
            assertThat(entry.path("status").asInt()).as(entry.toString()).isGreaterThanOrEqualTo(400);
        }
    }

    /**
     * An import reports bad items one by one in a 200 while it registers the good ones (README "Bulk
     * import"): a hostile body must be refused whole, or answered with every item refused and none imported.
     */
    private static String importProblem(HttpResponse<String> answer) {
        if (answer.statusCode() != 200) {
            return problem(answer);
        }
        try {
            JsonNode body = Json.MAPPER.readTree(answer.body());
            return body.path("imported").asInt(-1) == 0 && body.path("grants").isEmpty() ? null : "an import that registered a grant";
        } catch (IOException e) {
            return "not JSON";
        }
    }

    /** Null when the answer is a 4xx with {"error", "message"}, else what is wrong with it. */
    private static String problem(HttpResponse<String> answer) {
        if (answer.statusCode() < 400 || answer.statusCode() > 499) {
            return "not a 4xx";
        }
        try {
            JsonNode body = Json.MAPPER.readTree(answer.body());
            if (body == null || !body.path("error").isTextual() || !body.path("message").isTextual()) {
                return "not the error shape";
            }
        } catch (IOException e) {
            return "not JSON";
        }
        return null;
    }

    private List<Attempt> attempts() {
        List<Attempt> attempts = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/v1/")) {
                continue;
            }
            Set<String> documented = new java.util.TreeSet<>();
            path.getValue().fieldNames().forEachRemaining(name -> documented.add(name.toUpperCase(Locale.ROOT)));
            for (String method : documented) {
                if (METHODS.contains(method)) {
                    operation(attempts, method, path.getKey(), path.getValue(), path.getValue().get(method.toLowerCase(Locale.ROOT)));
                }
            }
            // Methods the path does not have.
            for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH")) {
                if (!documented.contains(method)) {
                    attempts.add(new Attempt(method, concrete(path.getKey(), "1"), null, null, "a method the path does not have"));
                }
            }
        }
        // Paths that are not routes at all, some very long.
        for (String path : List.of("/v1/", "/v1/nothing", "/v1/grants/1/nothing", "/v1/grants/1/token/extra",
                "/v1/" + "a".repeat(2000), "/v1/grants/" + "1".repeat(5000), "/v1/" + "%C0%AE".repeat(100), "/v1/%00")) {
            attempts.add(new Attempt("GET", path, null, null, "no such route"));
        }
        attempts.add(new Attempt("GET", "/v1/grants?" + "limit=1&".repeat(2000), null, null, "a very long query"));
        attempts.add(new Attempt("GET", "/v1/" + "x".repeat(20_000), null, null, "a path longer than a request line may be"));
        return attempts;
    }

    private void operation(List<Attempt> attempts, String method, String template, JsonNode pathItem, JsonNode operation) {
        boolean hasId = template.contains("{id}");
        boolean hasBody = operation.has("requestBody");
        // An operation that changes something is only sent requests that are invalid in a way it must refuse.
        boolean safe = method.equals("GET");
        String validBody = hasBody ? "{}" : null;
        if (hasId) {
            for (String bad : BAD_NUMBERS) {
                attempts.add(attempt(method, concrete(template, bad), validBody, "path id " + abbreviate(bad)));
            }
            for (String bad : random(Arbitraries.strings().ofMinLength(1).ofMaxLength(40).alpha().numeric()
                    .filter(text -> !text.matches("[0-9]+")), 15)) {
                attempts.add(attempt(method, concrete(template, bad), validBody, "random path id"));
            }
            attempts.add(attempt(method, concrete(template, "999999"), validBody, "an id that does not exist"));
        }
        for (JsonNode parameter : parameters(pathItem, operation)) {
            if (!parameter.path("in").asText().equals("query")) {
                continue;
            }
            String name = parameter.path("name").asText();
            List<String> values = badValues(name, parameter.path("schema"));
            if (values.isEmpty() || (!safe && !name.equals("from"))) {
                continue;
            }
            for (String bad : values) {
                attempts.add(attempt(method, concrete(template, "1") + "?" + required(template) + name + "=" + bad, validBody,
                        "parameter " + name + "=" + abbreviate(bad)));
                // The bad value first and a good one after: the first one counts.
                attempts.add(attempt(method, concrete(template, "1") + "?" + required(template) + name + "=" + bad + "&" + name
                        + "=1", validBody, "duplicate parameter " + name));
            }
        }
        if (template.equals("/v1/grants/{id}/access")) {
            attempts.add(attempt(method, "/v1/grants/1/access", null, "cloudId missing"));
            attempts.add(attempt(method, "/v1/grants/1/access?cloudId=", null, "cloudId empty"));
        }
        if (hasBody) {
            bodies(attempts, method, concrete(template, "1"), schema(operation));
        }
    }

    private void bodies(List<Attempt> attempts, String method, String path, JsonNode schema) {
        for (String body : List.of("", "{", "[", "nul", "{\"a\":}", "{'a': 1}", "{\"a\": 1,}", "\u0000", "[]", "null", "\"x\"", "42",
                "true", "{}{}", "[{}]", "{\"zz\": 1, \"zz\": 2}", "\uFEFF{}", "{\"a\": \"\\ud800\"}", "{" + "\"a\":{".repeat(3000)
                        + "}".repeat(3001))) {
            attempts.add(new Attempt(method, path, "application/json", bytes(body), "malformed body"));
        }
        attempts.add(new Attempt(method, path, "application/json", bytes("{\"x\": \"" + "a".repeat(MAX_BODY + 100) + "\"}"),
                "a body over http.maxBodyBytes"));
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data",
                "application/jsonx")) {
            attempts.add(new Attempt(method, path, type, bytes(plausible(schema)), "wrong content type"));
        }
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        schema.path("properties").fields().forEachRemaining(field -> properties.put(field.getKey(), field.getValue()));
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(name -> required.add(name.asText()));
        assertThat(required).as("every documented body requires a field, so that a body with one bad field is refused")
                .isNotEmpty();
        attempts.add(new Attempt(method, path, "application/json", bytes(plausible(schema).replaceFirst("\\{",
                "{\"unknownField\": 1, ")), "an unknown field beside good ones"));
        attempts.add(new Attempt(method, path, "application/json", bytes("{\"" + "k".repeat(5000) + "\": 1}"), "a long unknown field"));
        String first = required.getFirst();
        attempts.add(new Attempt(method, path, "application/json", bytes(plausible(schema).replaceFirst("\\{",
                "{\"" + first + "\": \"fuzz-other\", ")), "field " + first + " twice"));
        for (Map.Entry<String, JsonNode> property : properties.entrySet()) {
            String name = property.getKey();
            // Alone, so that the required fields are missing when the property is not one of them.
            for (String value : badJson(name, property.getValue(), required.contains(name))) {
                attempts.add(new Attempt(method, path, "application/json", bytes("{\"" + name + "\": " + value + "}"),
                        "field " + name + "=" + abbreviate(value)));
            }
        }
    }

    /** JSON values that a field of this schema must refuse, or, for an optional field, that pass only with required fields missing. */
    private static List<String> badJson(String name, JsonNode schema, boolean required) {
        List<String> values = new ArrayList<>(List.of("{}", "[[[]]]", "1e400", "123456789012345678901234567890", "-1", "0",
                "true", "\"\\u0000\"", "\"\\u202e\\u0007\"", "\"" + "x".repeat(20_000) + "\"", "\"\"", "\" \""));
        if (required) {
            values.add("null");
        }
        for (String value : random(Arbitraries.strings().ofMaxLength(60).withCharRange('\u0000', '\uffff'), 8)) {
            values.add(Json.write(value));
        }
        return values;
    }

    /** A body with every required field given a simple value of its type: one wrong thing away from valid. */
    private static String plausible(JsonNode schema) {
        Map<String, Object> body = new LinkedHashMap<>();
        schema.path("required").forEach(name -> body.put(name.asText(), switch (name.asText()) {
            case "url", "returnUrl" -> "http://127.0.0.1:9/fuzz";
            case "grants" -> List.of();
            default -> "fuzz-value";
        }));
        return Json.write(body);
    }

    private static List<String> badValues(String name, JsonNode schema) {
        return switch (name) {
            case "limit", "after", "before", "grantId", "from" -> BAD_NUMBERS;
            case "wait" -> List.of("x", "PT61S", "-PT1S", "P1D", "PT1H", "1", "%00", "PT" + "9".repeat(30) + "S");
            case "type" -> List.of("nope", "site.", "%00", "SITE.GRANTED", "x".repeat(3000));
            default -> List.of();
        };
    }

    private List<JsonNode> parameters(JsonNode pathItem, JsonNode operation) {
        List<JsonNode> parameters = new ArrayList<>();
        for (JsonNode parameter : pathItem.path("parameters")) {
            parameters.add(resolve(parameter));
        }
        for (JsonNode parameter : operation.path("parameters")) {
            parameters.add(resolve(parameter));
        }
        return parameters;
    }

    private JsonNode schema(JsonNode operation) {
        return resolve(operation.path("requestBody").path("content").path("application/json").path("schema"));
    }

    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            node = document.at(node.path("$ref").asText().substring(1));
        }
        return node;
    }

    /** The query a route needs to get as far as the parameter under test. */
    private static String required(String template) {
        return template.equals("/v1/grants/{id}/access") ? "cloudId=x&" : "";
    }

    private static String concrete(String template, String id) {
        return template.replace("{id}", id);
    }

    private static Attempt attempt(String method, String path, String body, String why) {
        return new Attempt(method, path, body == null ? null : "application/json", body == null ? null : bytes(body), why);
    }

    private static List<String> random(Arbitrary<String> arbitrary, int count) {
        return arbitrary.sampleStream().limit(count).toList();
    }

    private HttpResponse<String> send(Attempt attempt) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                        + attempt.path().replace(" ", "%20").replace("\"", "%22").replace("<", "%3C").replace(">", "%3E")
                                .replace("`", "%60").replace("{", "%7B").replace("}", "%7D").replace("|", "%7C")
                                .replace("\\", "%5C").replace("^", "%5E")))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KeyedDaemon.ADMIN);
        if (attempt.contentType() != null) {
            request.header("Content-Type", attempt.contentType());
        }
        request.method(attempt.method(), attempt.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(attempt.body()));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What a bad request could have changed: grants and their tokens, history, events, webhooks and deliveries. */
    private String fingerprint() {
        return app.database().jdbi().withHandle(handle -> String.join("\n",
                handle.createQuery("SELECT id, external_id, label, status, access_token, refresh_token, token_version, "
                        + "access_expires_at, deleted_at FROM grants ORDER BY id").mapToMap().list().toString(),
                handle.createQuery("SELECT COUNT(*) FROM snapshots").mapTo(Long.class).one().toString(),
                handle.createQuery("SELECT COUNT(*) FROM events").mapTo(Long.class).one().toString(),
                handle.createQuery("SELECT id, url, format, types, grant_ids, secret, previous_secret, deleted_at FROM webhooks "
                        + "ORDER BY id").mapToMap().list().toString(),
                handle.createQuery("SELECT COUNT(*) FROM webhook_deliveries").mapTo(Long.class).one().toString()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        String printable = text.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "...(" + text.length() + ")" : printable;
    }
}
