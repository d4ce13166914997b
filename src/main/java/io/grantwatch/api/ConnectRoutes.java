package io.grantwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.connect.CallbackOutcome;
import io.grantwatch.connect.ConnectRequest;
import io.grantwatch.connect.ConnectService;
import io.grantwatch.connect.ConnectStarted;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The consent flow's two routes: {@code POST /v1/connect} (behind the API key) and
 * {@code GET /connect/callback} (the browser's way back from Atlassian, outside {@code /v1}).
 * The callback's query holds a code and a state: neither is logged or repeated in an answer.
 */
final class ConnectRoutes implements Route.Group {
    static final Set<String> CONNECT_FIELDS = Set.of("returnUrl", "externalId", "label", "scopes", "grantId");

    private final ConnectService connect;

    ConnectRoutes(ConnectService connect) {
        this.connect = connect;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.post("/v1/connect", Role.WRITE, "Begins the consent flow: where to send the user's browser", this::start),
                Route.get("/connect/callback", Role.PUBLIC,
                        "Atlassian sends the user's browser back here; redirects to the connect's returnUrl", this::callback));
    }

    private void start(Context ctx) {
        ObjectNode body = Requests.object(ctx, CONNECT_FIELDS);
        ConnectRequest request = new ConnectRequest(
                Requests.string(body, "returnUrl", true, 2000),
                Requests.string(body, "externalId", false, 255),
                Requests.string(body, "label", false, 1000),
                scopes(body),
                grantId(body));
        ConnectStarted started = connect.start(request);
        ctx.status(201).header("Cache-Control", "no-store").json(started);
    }

    private void callback(Context ctx) {
        // The URL carried a code: nothing of it goes to the next page, nor into a cache.
        ctx.header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer");
        CallbackOutcome outcome = connect.finish(ctx.queryParam("state"), ctx.queryParam("code"), ctx.queryParam("error"));
        switch (outcome) {
            case CallbackOutcome.Redirect redirect -> ctx.status(302).header("Location", redirect.location());
            case CallbackOutcome.Page page -> ctx.status(page.status())
                    .header("Content-Security-Policy", "default-src 'none'")
                    .contentType("text/html; charset=utf-8")
                    .result("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>grantwatch: connecting failed</title>"
                            + "<h1>Connecting failed</h1><p>" + page.message() + "</p></html>");
        }
    }

    private static List<String> scopes(ObjectNode body) {
        JsonNode node = body.get("scopes");
        if (node == null || node.isNull()) {
            return null;
        }
        String expected = "'scopes' must be a list of at most 100 strings";
        if (!node.isArray() || node.size() > 100) {
            throw ApiException.badRequest("invalid_field", expected);
        }
        List<String> scopes = new ArrayList<>();
        for (JsonNode scope : node) {
            if (!scope.isTextual() || scope.asText().length() > 1000) {
                throw ApiException.badRequest("invalid_field", expected);
            }
            scopes.add(scope.asText());
        }
        return scopes;
    }

    private static Long grantId(ObjectNode body) {
        JsonNode node = body.get("grantId");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 1) {
            throw ApiException.badRequest("invalid_field", "'grantId' must be a grant id (a positive number)");
        }
        return node.asLong();
    }
}
