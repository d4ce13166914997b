package io.grantwatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Json;
import io.grantwatch.access.AccessGate;
import io.grantwatch.access.ApiKeys;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /openapi.json from a running server, against what Javalin registered: a route without a
 * documented path and method, or a documented one without a route, fails here. The served
 * document goes to target/openapi.json, where .ci/run lints it with Redocly.
 */
class OpenApiTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    static HttpApi api;
    static JsonNode document;

    @BeforeAll
    static void serve() throws Exception {
        // No service is called: the OpenAPI document is served without one, and with an API key
        // configured, to show that it needs none.
        api = new HttpApi(null, null, null, null, null, null, null, null, Clock.systemUTC(),
                new AccessGate(ApiKeys.of(List.of(), "an-api-key")), null, 1 << 20, null).start("127.0.0.1", 0);
        HttpResponse<String> answer = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/openapi.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        document = Json.MAPPER.readTree(answer.body());
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "openapi.json"), answer.body());
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void everyRegisteredRouteIsDocumentedAndEveryDocumentedOneIsRegistered() {
        Set<String> registered = api.javalin().unsafeConfig().pvt.internalRouter.allHttpHandlers().stream()
                .map(ParsedEndpoint::getEndpoint)
                .filter(endpoint -> endpoint.getMethod().isHttpMethod())
                .map(OpenApiTest::operation)
                .collect(Collectors.toCollection(TreeSet::new));
        // The proxy's routes are served by a Jetty handler ahead of Javalin (ProxyRoutes); ProxyContract calls them.
        api.routes().stream().filter(route -> route.handler() == null)
                .forEach(route -> registered.add(route.method().name() + " " + route.openApiPath()));
        Set<String> documented = documented().keySet();
        assertThat(registered).as("routes Javalin registered").isNotEmpty();
        assertThat(registered).as("routes missing from /openapi.json").isSubsetOf(documented);
        assertThat(documented).as("operations in /openapi.json with no route").isSubsetOf(registered);
    }

    @Test
    void theDocumentSummarisesEachRouteAsItsDeclarationDoes() {
        Map<String, String> declared = new TreeMap<>();
        for (Route route : api.routes()) {
            declared.put(route.method().name() + " " + route.openApiPath(), route.summary());
        }
        assertThat(documented()).isEqualTo(declared);
    }

    @Test
    void isOpenApi31WithTheErrorShape() {
        assertThat(document.path("openapi").asText()).startsWith("3.1.");
        JsonNode error = document.at("/components/schemas/Error");
        assertThat(error.path("required").toString()).isEqualTo("[\"error\",\"message\"]");
        assertThat(error.path("properties").has("error")).isTrue();
        assertThat(error.path("properties").has("message")).isTrue();
    }

    @Test
    void routesOutsideV1NeedNoKeyAndTheRestDocumentTheir401() {
        Map<String, Boolean> keyless = new TreeMap<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            if (METHODS.contains(operation.getKey())) {
                JsonNode security = operation.getValue().get("security");
                boolean isKeyless = security != null && security.isEmpty();
                keyless.put(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), isKeyless);
                // redocly.yaml turns operation-4xx-response off for the keyless routes, which answer no 4xx.
                assertThat(isKeyless || operation.getValue().path("responses").has("401"))
                        .as("%s %s documents its 401", operation.getKey(), path.getKey()).isTrue();
            }
        }));
        Map<String, Boolean> expected = new TreeMap<>();
        for (Route route : api.routes()) {
            boolean outsideV1 = !route.path().startsWith("/v1/");
            expected.put(route.method().name() + " " + route.openApiPath(), outsideV1);
            assertThat(route.role() == Role.PUBLIC).as("%s %s is public", route.method(), route.path()).isEqualTo(outsideV1);
        }
        assertThat(keyless).isEqualTo(expected);
    }

    @Test
    void everyV1OperationDocumentsTheRoleItsRouteNeedsAndItsForbidden() {
        for (Route route : api.routes()) {
            if (route.role() == Role.PUBLIC) {
                continue;
            }
            JsonNode operation = document.path("paths").path(route.openApiPath()).path(route.method().name().toLowerCase(Locale.ROOT));
            assertThat(operation.path("x-grantwatch-role").asText()).as("%s %s", route.method(), route.path())
                    .isEqualTo(route.role().needs().wireName());
            assertThat(operation.path("responses").has("403")).as("%s %s documents its 403", route.method(), route.path())
                    .isTrue();
        }
    }

    @Test
    void documentedBodiesHoldTheFieldsTheHandlersAccept() {
        Map<String, Set<String>> accepted = Map.of(
                "RegisterGrant", GrantRoutes.REGISTER_FIELDS,
                "ReplaceTokens", GrantRoutes.TOKEN_FIELDS,
                "ImportGrants", java.util.Set.of("grants"),
                "NewWebhook", WebhookRoutes.WEBHOOK_FIELDS,
                "ConnectRequest", ConnectRoutes.CONNECT_FIELDS);
        accepted.forEach((schema, fields) -> {
            Set<String> documented = new TreeSet<>();
            document.at("/components/schemas/" + schema + "/properties").fieldNames().forEachRemaining(documented::add);
            assertThat(documented).as(schema).isEqualTo(new TreeSet<>(fields));
            assertThat(document.at("/components/schemas/" + schema + "/additionalProperties").asBoolean(true))
                    .as("%s refuses unknown fields, as the handler does", schema).isFalse();
        });
    }

    /** "METHOD path" of every operation in the document, with its summary. */
    private static Map<String, String> documented() {
        Map<String, String> operations = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fields().forEachRemaining(operation -> {
                if (METHODS.contains(operation.getKey())) {
                    operations.put(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(),
                            operation.getValue().path("summary").asText());
                }
            });
        }
        return operations;
    }

    private static String operation(Endpoint endpoint) {
        return endpoint.getMethod().name() + " " + Route.openApiPath(endpoint.getPath());
    }
}
