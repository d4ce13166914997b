package io.grantwatch.api;

import io.grantwatch.Json;
import io.grantwatch.delivery.WebhookService;
import io.grantwatch.events.EventFeed;
import io.grantwatch.grants.GrantImport;
import io.grantwatch.grants.GrantService;
import io.grantwatch.health.HealthCheck;
import io.grantwatch.tokens.TokenService;
import io.grantwatch.web.Dashboard;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * The REST API (README "API", and the OpenAPI document), on Javalin: the server, the API key and the route groups. Each group
 * declares its routes ({@link Route}); {@link ApiErrors} turns every refusal into a JSON error.
 */
public final class HttpApi implements AutoCloseable {
    private final byte[] apiKey;
    private final List<Route> routes;
    private final Javalin app;

    public HttpApi(GrantService grants, GrantImport imports, TokenService tokens, WebhookService webhooks, EventFeed feed,
            PrometheusMeterRegistry metrics, Supplier<HealthCheck.Report> health, Clock clock, String apiKey, long maxBodyBytes) {
        this.apiKey = apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
        this.routes = List.of(
                        new GrantRoutes(grants, clock),
                        new ImportRoutes(imports, clock),
                        new TokenRoutes(tokens, apiKey != null),
                        new EventRoutes(feed),
                        new WebhookRoutes(webhooks),
                        new SystemRoutes(metrics, health))
                .stream().flatMap(group -> group.routes().stream()).toList();
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.useVirtualThreads = true;
            config.http.maxRequestSize = maxBodyBytes;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            Dashboard.serve(config);
        });
        app.before("/v1/*", this::authorize);
        for (Route route : routes) {
            app.addHttpHandler(route.method(), route.path(), route.handler(), route.role());
        }
        ApiErrors.register(app);
    }

    private void authorize(Context ctx) {
        if (apiKey == null) {
            return;
        }
        String header = ctx.header("Authorization");
        byte[] given = header != null && header.startsWith("Bearer ")
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        if (!MessageDigest.isEqual(apiKey, given)) {
            throw new ApiException(401, "unauthorized", "a valid API key is needed: Authorization: Bearer <http.apiKey>");
        }
    }

    /** Every route this API declared, in the order they were registered. */
    List<Route> routes() {
        return routes;
    }

    /** The server itself, for tests that look at what Javalin registered. */
    Javalin javalin() {
        return app;
    }

    public HttpApi start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
