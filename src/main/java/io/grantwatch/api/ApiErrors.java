package io.grantwatch.api;

import io.grantwatch.connect.ConnectException;
import io.grantwatch.db.ConnectionFailures;
import io.grantwatch.delivery.WebhookException;
import io.grantwatch.grants.ExternalIdTakenException;
import io.grantwatch.core.UnknownGrantException;
import io.grantwatch.proxy.ProxyException;
import io.grantwatch.proxy.ProxyPath;
import io.grantwatch.tokens.TokenService.TokenUnavailableException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a refusal becomes HTTP: services throw domain exceptions that name what went
 * wrong, and this decides status and error code. Every answer is {@code {"error", "message"}}; the
 * messages come from code that never puts a request's value in them, and nothing unexpected shows
 * its internals.
 */
final class ApiErrors {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {}

    static void register(Javalin app) {
        app.exception(ApiException.class, (e, ctx) -> write(ctx, e.status(), e.code(), e.getMessage()));
        app.exception(UnknownGrantException.class, (e, ctx) -> write(ctx, 404, "not_found", e.getMessage()));
        app.exception(ExternalIdTakenException.class, (e, ctx) -> write(ctx, 409, "conflict", e.getMessage()));
        app.exception(TokenUnavailableException.class, (e, ctx) -> write(ctx, 409, code(e.reason()), e.getMessage()));
        app.exception(WebhookException.class, (e, ctx) -> webhook(ctx, e));
        app.exception(ConnectException.class, (e, ctx) -> write(ctx, e.status(), e.code(), e.getMessage()));
        app.exception(ProxyPath.InvalidPath.class, (e, ctx) -> write(ctx, 400, "invalid_path", e.getMessage()));
        app.exception(ProxyException.class, ApiErrors::proxy);
        app.exception(HttpResponseException.class, (e, ctx) -> write(ctx, e.getStatus(), code(e.getStatus()), e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            if (ConnectionFailures.isUnavailable(e)) {
                // No connection within database.connectionTimeout, or one lost: the caller may try again later.
                log.warn("{} {}: the database cannot be reached ({})", ctx.method(), ctx.matchedPath(), e.getClass().getSimpleName());
                write(ctx, 503, "database_unavailable", "the database cannot be reached; try again later");
                return;
            }
            // The exception may carry anything; the log gets its type and place, the client a generic message.
            log.error("Unexpected failure on {} {}: {}", ctx.method(), ctx.matchedPath(), e.getClass().getName(), e);
            write(ctx, 500, "internal_error", "the request failed on the server; see its log");
        });
        // A site's own 404 or 405, passed on by the proxy, is its answer: nothing is added to it.
        app.error(404, ctx -> {
            if (ctx.result() == null && ctx.attribute(ProxyRoutes.ANSWERED) == null) {
                write(ctx, 404, "not_found", "no such endpoint: " + ctx.method() + " " + ctx.path());
            }
        });
        app.error(405, ctx -> {
            if (ctx.attribute(ProxyRoutes.ANSWERED) == null) {
                write(ctx, 405, "method_not_allowed", "method " + ctx.method() + " is not allowed here");
            }
        });
    }

    private static int status(ProxyException.Kind kind) {
        return switch (kind) {
            case INVALID_PATH -> 400;
            case REFUSED -> 403;
            case TOO_LARGE -> 413;
            case SITE_UNREACHABLE -> 502;
            case SITE_TIMEOUT -> 504;
        };
    }

    /** A refusal also says which scopes are missing, and carries the Grantwatch-Access header a site's answer would. */
    private static void proxy(ProxyException e, Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        if (e.kind() == ProxyException.Kind.REFUSED) {
            body.put("missingScopes", e.missingScopes());
            ctx.header(ProxyRoutes.ACCESS_HEADER, e.code());
        }
        ctx.status(status(e.kind())).json(body);
    }

    private static void webhook(Context ctx, WebhookException e) {
        switch (e.kind()) {
            case INVALID_FIELD -> write(ctx, 400, "invalid_field", e.getMessage());
            case INVALID_PARAMETER -> write(ctx, 400, "invalid_parameter", e.getMessage());
            case UNKNOWN -> write(ctx, 404, "not_found", e.getMessage());
            case CONFIGURED -> write(ctx, 409, "conflict", e.getMessage());
        }
    }

    private static String code(TokenUnavailableException.Reason reason) {
        return switch (reason) {
            case GRANT_REVOKED -> "grant_revoked";
            case REFRESH_FAILED -> "refresh_failed";
            case TOKEN_EXPIRED -> "token_expired";
        };
    }

    static String code(int status) {
        return switch (status) {
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 431 -> "headers_too_large";
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            default -> "http_" + status;
        };
    }

    private static void write(Context ctx, int status, String code, String message) {
        ctx.status(status).json(Map.of("error", code, "message", message));
    }
}
