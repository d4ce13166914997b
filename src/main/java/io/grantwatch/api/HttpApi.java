package io.grantwatch.api;

import io.grantwatch.Json;
import io.grantwatch.access.AccessGate;
import io.grantwatch.access.Caller;
import io.grantwatch.audit.AuditService;
import io.grantwatch.connect.ConnectService;
import io.grantwatch.delivery.WebhookService;
import io.grantwatch.events.EventFeed;
import io.grantwatch.grants.GrantImport;
import io.grantwatch.grants.GrantService;
import io.grantwatch.health.HealthCheck;
import io.grantwatch.proxy.SiteProxy;
import io.grantwatch.tokens.TokenService;
import io.grantwatch.web.Dashboard;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.server.handler.HandlerWrapper;

/**
 * The REST API (README "API", and the OpenAPI document), on Javalin: the server, the access gate and
 * the route groups. Each group declares its routes with the role they need ({@link Route}); every
 * {@code /v1} request needs a known key (401), and a matched route a key with its role (403).
 * {@link ApiErrors} turns every refusal into a JSON error.
 */
public final class HttpApi implements AutoCloseable {
    private static final String CALLER = "grantwatch.caller";

    private final AccessGate gate;
    private final List<Route> routes;
    private final Javalin app;

    public HttpApi(GrantService grants, GrantImport imports, TokenService tokens, WebhookService webhooks,
            ConnectService connect, EventFeed feed, PrometheusMeterRegistry metrics, Supplier<HealthCheck.Report> health,
            Clock clock, AccessGate gate, AuditService audit, long maxBodyBytes, SiteProxy proxy) {
        this.gate = gate;
        ProxyRoutes proxyRoutes = new ProxyRoutes(proxy, audit, gate);
        this.routes = List.of(
                        new GrantRoutes(grants, clock),
                        new ImportRoutes(imports, clock),
                        new TokenRoutes(tokens, audit, gate.keysConfigured()),
                        proxyRoutes,
                        new EventRoutes(feed),
                        new AuditRoutes(audit),
                        new WebhookRoutes(webhooks),
                        new ConnectRoutes(connect),
                        new SystemRoutes(metrics, health))
                .stream().flatMap(group -> group.routes().stream()).toList();
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.useVirtualThreads = true;
            config.http.maxRequestSize = maxBodyBytes;
            // Jetty would otherwise hand over a header value from its cache when it matches one but for case
            // ("charset=utf-8" as "charset=UTF-8"): the proxy passes headers on exactly as they came.
            config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            Dashboard.serve(config);
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(new JettyErrors());
                // The proxy's routes are served ahead of Javalin, inside the handlers Javalin's server comes with
                // (its StatisticsHandler, which counts requests in flight for a graceful stop); Javalin goes after it.
                HandlerWrapper tail = server;
                while (tail.getHandler() instanceof HandlerWrapper next) {
                    tail = next;
                }
                tail.insertHandler(proxyRoutes.handler());
            });
        });
        app.before("/v1/*", this::authenticate);
        app.beforeMatched(this::authorize);
        for (Route route : routes) {
            if (route.handler() == null) {
                continue; // served ahead of Javalin
            }
            app.addHttpHandler(route.method(), route.path(), route.handler(), route.role());
            if (route.after() != null) {
                // Javalin's after-handlers go by path alone; this one belongs to the route's method.
                app.after(route.path(), ctx -> {
                    if (ctx.method() == route.method()) {
                        route.after().handle(ctx);
                    }
                });
            }
        }
        ApiErrors.register(app);
    }

    /** Every /v1 path, known or not, needs a key we know (when keys are configured): 401 otherwise. */
    private void authenticate(Context ctx) {
        Caller caller = gate.authenticate(ctx.header("Authorization")).orElseThrow(HttpApi::unauthorized);
        ctx.attribute(CALLER, caller);
    }

    /** A matched route's role against the caller's key: 403 forbidden when the key lacks it. */
    private void authorize(Context ctx) {
        io.grantwatch.access.Role needed = ctx.routeRoles().stream()
                .filter(Role.class::isInstance).map(Role.class::cast).findFirst()
                .map(Role::needs).orElse(null);
        if (needed == null) {
            return;
        }
        Caller caller = caller(ctx);
        if (caller == null) {
            // Only /v1 routes need a role (OpenApiTest holds every other one public), and authenticate ran for them.
            throw unauthorized();
        }
        if (!caller.may(needed)) {
            throw forbidden(needed, ctx.method().name(), ctx.endpointHandlerPath());
        }
    }

    /** A missing or unknown key: the same refusal on every route, Javalin's and the proxy's. */
    static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "a valid API key is needed: Authorization: Bearer <key>");
    }

    /** A known key without the role the route needs. */
    static ApiException forbidden(io.grantwatch.access.Role needed, String method, String path) {
        return new ApiException(403, "forbidden", "this API key lacks the role '" + needed.wireName() + "' that "
                + method + " " + path + " needs");
    }

    /** The caller the gate let in, or null when it let none in (a request refused with 401). */
    static Caller caller(Context ctx) {
        return ctx.attribute(CALLER);
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
