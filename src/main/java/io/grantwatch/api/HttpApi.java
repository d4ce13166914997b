package io.grantwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.Json;
import io.grantwatch.core.EventType;
import io.grantwatch.db.SnapshotRow;
import io.grantwatch.delivery.DeliveryView;
import io.grantwatch.delivery.WebhookException;
import io.grantwatch.delivery.WebhookService;
import io.grantwatch.delivery.WebhookView;
import io.grantwatch.events.EventFeed;
import io.grantwatch.grants.ExternalIdTakenException;
import io.grantwatch.grants.GrantService;
import io.grantwatch.grants.GrantView;
import io.grantwatch.grants.UnknownGrantException;
import io.grantwatch.proxy.ProxyException;
import io.grantwatch.proxy.ProxyPath;
import io.grantwatch.proxy.SiteProxy;
import io.grantwatch.tokens.TokenService;
import io.grantwatch.web.Dashboard;
import io.grantwatch.health.HealthCheck;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API of SPEC.md, on Javalin. Routes are declared in {@link #routes}; each handler turns
 * a request into one call on a service and its result into JSON. Every refusal is a JSON error
 * with a stable code; nothing unexpected becomes a 500 that shows internals.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final Set<String> REGISTER_FIELDS =
            Set.of("accessToken", "refreshToken", "expiresIn", "expiresAt", "externalId", "label", "consentedAt");
    private static final Set<String> TOKEN_FIELDS = Set.of("accessToken", "refreshToken", "expiresIn", "expiresAt");
    private static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final Set<String> WEBHOOK_FIELDS = Set.of("url", "types", "grantIds", "format");

    private final GrantService grants;
    private final TokenService tokens;
    private final WebhookService webhooks;
    private final EventFeed feed;
    private final PrometheusMeterRegistry metrics;
    private final Supplier<HealthCheck.Report> health;
    private final Clock clock;
    private final byte[] apiKey;
    private final Javalin app;

    public HttpApi(GrantService grants, TokenService tokens, WebhookService webhooks, EventFeed feed,
            PrometheusMeterRegistry metrics, Supplier<HealthCheck.Report> health, Clock clock, String apiKey, long maxBodyBytes,
            SiteProxy proxy) {
        this.grants = grants;
        this.tokens = tokens;
        this.webhooks = webhooks;
        this.feed = feed;
        this.metrics = metrics;
        this.health = health;
        this.clock = clock;
        this.apiKey = apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.useVirtualThreads = true;
            config.http.maxRequestSize = maxBodyBytes;
            // Jetty would otherwise hand over a header value from its cache when it matches one but for case
            // ("charset=utf-8" as "charset=UTF-8"): the proxy passes headers on exactly as they came.
            config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            Dashboard.serve(config);
        });
        routes();
        new ProxyRoutes(proxy, apiKey != null, ProxyRoutes.Audit.NONE).register(app);
        errors();
    }

    private void routes() {
        app.before("/v1/*", this::authorize);
        app.post("/v1/grants", this::register);
        app.get("/v1/grants", this::list);
        app.get("/v1/grants/{id}", ctx -> ctx.json(grants.get(Requests.id(ctx))));
        app.put("/v1/grants/{id}/tokens", this::replaceTokens);
        app.delete("/v1/grants/{id}", this::delete);
        app.post("/v1/grants/{id}/check", ctx -> ctx.json(grants.check(Requests.id(ctx))));
        app.get("/v1/grants/{id}/snapshots", this::snapshots);
        app.get("/v1/grants/{id}/access", this::access);
        app.get("/v1/grants/{id}/token", this::token);
        app.get("/v1/events", this::events);
        app.post("/v1/webhooks", this::createWebhook);
        app.get("/v1/webhooks", this::listWebhooks);
        app.get("/v1/webhooks/{id}", ctx -> ctx.json(webhooks.get(webhookId(ctx))));
        app.delete("/v1/webhooks/{id}", this::deleteWebhook);
        app.get("/v1/webhooks/{id}/deliveries", this::webhookDeliveries);
        app.post("/v1/webhooks/{id}/redeliver", ctx -> ctx.json(webhooks.redeliver(webhookId(ctx), fromEvent(ctx))));
        app.post("/v1/webhooks/{id}/rotate-secret", ctx -> ctx.json(webhooks.rotateSecret(webhookId(ctx))));
        app.get("/health", this::health);
        // Liveness: the process answers HTTP. Readiness, with the database and scheduler, is /health.
        app.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    }

    private void errors() {
        app.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
        app.exception(UnknownGrantException.class, (e, ctx) -> error(ctx, 404, "not_found", e.getMessage()));
        app.exception(TokenService.TokenUnavailableException.class, (e, ctx) -> error(ctx, 409, e.code(), e.getMessage()));
        app.exception(WebhookException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
        app.exception(ExternalIdTakenException.class, (e, ctx) -> error(ctx, 409, "conflict", e.getMessage()));
        app.exception(ProxyPath.InvalidPath.class, (e, ctx) -> error(ctx, 400, "invalid_path", e.getMessage()));
        app.exception(ProxyException.class, (e, ctx) -> proxyError(ctx, e));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), codeFor(e.getStatus()), e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            // The exception may carry anything; the log gets its type and place, the client a generic message.
            log.error("Unexpected failure on {} {}: {}", ctx.method(), ctx.matchedPath(), e.getClass().getName(), e);
            error(ctx, 500, "internal_error", "the request failed on the server; see its log");
        });
        app.error(404, ctx -> {
            if (ctx.result() == null && ctx.attribute(ProxyRoutes.ANSWERED) == null) {
                error(ctx, 404, "not_found", "no such endpoint: " + ctx.method() + " " + ctx.path());
            }
        });
        app.error(405, ctx -> {
            if (ctx.attribute(ProxyRoutes.ANSWERED) == null) {
                error(ctx, 405, "method_not_allowed", "method " + ctx.method() + " is not allowed here");
            }
        });
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

    private void register(Context ctx) {
        ObjectNode body = Requests.object(ctx, REGISTER_FIELDS);
        GrantView grant = grants.register(new GrantService.Registration(
                Requests.string(body, "externalId", false, 255),
                Requests.string(body, "label", false, 1000),
                Requests.tokens(body, clock),
                Requests.instant(body, "consentedAt")));
        ctx.status(201).header("Location", "/v1/grants/" + grant.id()).json(grant);
    }

    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        List<GrantView> page = grants.list(Requests.cursor(ctx, "after", 0), limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("grants", page);
        body.put("nextCursor", page.size() == limit ? String.valueOf(page.getLast().id()) : null);
        ctx.json(body);
    }

    private void replaceTokens(Context ctx) {
        long id = Requests.id(ctx);
        ObjectNode body = Requests.object(ctx, TOKEN_FIELDS);
        ctx.json(grants.replaceTokens(id, Requests.tokens(body, clock)));
    }

    private void delete(Context ctx) {
        grants.delete(Requests.id(ctx));
        ctx.status(204);
    }

    private void snapshots(Context ctx) {
        int limit = Requests.limit(ctx);
        List<SnapshotRow> rows = grants.history(Requests.id(ctx), Requests.cursor(ctx, "before", Long.MAX_VALUE), limit);
        List<Map<String, Object>> snapshots = rows.stream().map(row -> {
            Map<String, Object> snapshot = new LinkedHashMap<>();
            snapshot.put("id", row.id());
            snapshot.put("sites", row.sites().list());
            snapshot.put("firstSeenAt", row.firstSeenAt());
            snapshot.put("lastSeenAt", row.lastSeenAt());
            return snapshot;
        }).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("snapshots", snapshots);
        body.put("nextCursor", rows.size() == limit ? String.valueOf(rows.getLast().id()) : null);
        ctx.json(body);
    }

    private void access(Context ctx) {
        long id = Requests.id(ctx);
        String cloudId = ctx.queryParam("cloudId");
        if (cloudId == null || cloudId.isBlank()) {
            throw ApiException.badRequest("missing_parameter", "'cloudId' is required");
        }
        ctx.json(grants.access(id, cloudId, Requests.nonEmpty(ctx.queryParams("scope"))));
    }

    /** The one answer that carries a token, so it is refused unless an API key protects the API. */
    private void token(Context ctx) {
        if (apiKey == null) {
            throw new ApiException(403, "api_key_required",
                    "handing out tokens needs http.apiKey to be configured, so that only the integration can ask");
        }
        ctx.header("Cache-Control", "no-store");
        ctx.json(tokens.validAccessToken(Requests.id(ctx)));
    }

    private void events(Context ctx) throws InterruptedException {
        long after = Requests.cursor(ctx, "after", 0);
        int limit = Requests.limit(ctx);
        Long grantId = Requests.optionalId(ctx, "grantId");
        List<String> types = Requests.nonEmpty(ctx.queryParams("type"));
        for (String type : types) {
            if (EventType.fromWireName(type).isEmpty()) {
                throw ApiException.badRequest("invalid_parameter", "unknown event type '" + Requests.printable(type) + "'");
            }
        }
        EventFeed.Page page = feed.read(after, limit, grantId, types, Requests.duration(ctx, "wait", MAX_WAIT));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("events", page.events());
        body.put("nextCursor", String.valueOf(page.nextCursor()));
        ctx.json(body);
    }

    private void createWebhook(Context ctx) {
        ObjectNode body = Requests.object(ctx, WEBHOOK_FIELDS);
        WebhookService.Secret created = webhooks.create(new WebhookService.NewWebhook(
                Requests.string(body, "url", true, 2000),
                strings(body, "types"),
                ids(body, "grantIds"),
                Requests.string(body, "format", false, 20)));
        ctx.status(201).header("Location", "/v1/webhooks/" + created.id()).json(created);
    }

    private void listWebhooks(Context ctx) {
        int limit = Requests.limit(ctx);
        List<WebhookView> page = webhooks.list(Requests.cursor(ctx, "after", 0), limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("webhooks", page);
        body.put("nextCursor", page.size() == limit ? String.valueOf(page.getLast().id()) : null);
        ctx.json(body);
    }

    private void deleteWebhook(Context ctx) {
        webhooks.delete(webhookId(ctx));
        ctx.status(204);
    }

    private void webhookDeliveries(Context ctx) {
        long id = webhookId(ctx);
        int limit = Requests.limit(ctx);
        List<DeliveryView> page = webhooks.deliveries(id, Requests.cursor(ctx, "before", Long.MAX_VALUE), limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deliveries", page);
        body.put("nextCursor", page.size() == limit ? String.valueOf(page.getLast().id()) : null);
        ctx.json(body);
    }

    private static long webhookId(Context ctx) {
        try {
            long id = Long.parseLong(ctx.pathParam("id"));
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // falls through, and the text is not echoed
        }
        throw new ApiException(404, "not_found", "no webhook has that id");
    }

    /** The first event to deliver again; absent means from the subscription's cursor. */
    private static Long fromEvent(Context ctx) {
        long from = Requests.cursor(ctx, "from", -1);
        return from < 0 ? null : from;
    }

    /** A JSON list of strings, or null when absent. */
    private static List<String> strings(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        String expected = "'" + field + "' must be a list of at most 100 strings";
        if (!node.isArray() || node.size() > 100) {
            throw ApiException.badRequest("invalid_field", expected);
        }
        List<String> values = new ArrayList<>();
        for (JsonNode value : node) {
            if (!value.isTextual()) {
                throw ApiException.badRequest("invalid_field", expected);
            }
            values.add(value.asText());
        }
        return values;
    }

    /** A JSON list of ids, or null when absent. */
    private static List<Long> ids(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        String expected = "'" + field + "' must be a list of grant ids (numbers)";
        if (!node.isArray()) {
            throw ApiException.badRequest("invalid_field", expected);
        }
        List<Long> values = new ArrayList<>();
        for (JsonNode value : node) {
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw ApiException.badRequest("invalid_field", expected);
            }
            values.add(value.asLong());
        }
        return values;
    }

    private void health(Context ctx) {
        HealthCheck.Report report = health.get();
        ctx.status(report.up() ? 200 : 503).json(report.body());
    }

    /** The status a refusal gets, for the proxy's audit, which is told before the error is written. */
    static int statusOf(Exception e) {
        return switch (e) {
            case ApiException api -> api.status();
            case UnknownGrantException unknown -> 404;
            case TokenService.TokenUnavailableException unavailable -> 409;
            case ProxyPath.InvalidPath invalid -> 400;
            case ProxyException proxy -> proxyStatus(proxy.kind());
            case HttpResponseException http -> http.getStatus();
            default -> 500;
        };
    }

    private static int proxyStatus(ProxyException.Kind kind) {
        return switch (kind) {
            case INVALID_PATH -> 400;
            case REFUSED -> 403;
            case TOO_LARGE -> 413;
            case SITE_UNREACHABLE -> 502;
            case SITE_TIMEOUT -> 504;
        };
    }

    private static void proxyError(Context ctx, ProxyException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        if (e.kind() == ProxyException.Kind.REFUSED) {
            body.put("missingScopes", e.missingScopes());
            ctx.header(ProxyRoutes.ACCESS_HEADER, e.code());
        }
        ctx.status(proxyStatus(e.kind())).json(body);
    }

    private static void error(Context ctx, int status, String code, String message) {
        ctx.status(status).json(Map.of("error", code, "message", message));
    }

    private static String codeFor(int status) {
        return switch (status) {
            case 413 -> "payload_too_large";
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            default -> "http_" + status;
        };
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
