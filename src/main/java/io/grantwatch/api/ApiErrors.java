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

    /**
     * What a failure answers: its status, the JSON body, and for a proxy refusal the
     * {@code Grantwatch-Access} header a site's answer would carry (else null).
     */
    record Failure(int status, Map<String, Object> body, String access) {}

    static void register(Javalin app) {
        // Javalin answers its own HttpResponseExceptions unless that class has a handler: both go to failure().
        app.exception(HttpResponseException.class, (e, ctx) -> write(ctx, failure(e, ctx.method().name(), ctx.matchedPath())));
        app.exception(Exception.class, (e, ctx) -> write(ctx, failure(e, ctx.method().name(), ctx.matchedPath())));
        // A site's own 404 or 405, passed on by the proxy, is its answer: the proxy answers ahead of Javalin.
        app.error(404, ctx -> {
            if (ctx.result() == null) {
                write(ctx, failure(404, "not_found", "no such endpoint: " + ctx.method() + " " + ctx.path()));
            }
        });
        app.error(405, ctx -> write(ctx, failure(405, "method_not_allowed", "method " + ctx.method() + " is not allowed here")));
    }

    /** The answer to {@code e}, thrown by the handler of {@code method path} (named in the log, never in the answer). */
    static Failure failure(Exception e, String method, String path) {
        return switch (e) {
            case ApiException api -> failure(api.status(), api.code(), api.getMessage());
            case UnknownGrantException unknown -> failure(404, "not_found", unknown.getMessage());
            case ExternalIdTakenException taken -> failure(409, "conflict", taken.getMessage());
            case TokenUnavailableException unavailable -> failure(409, code(unavailable.reason()), unavailable.getMessage());
            case WebhookException webhook -> switch (webhook.kind()) {
                case INVALID_FIELD -> failure(400, "invalid_field", webhook.getMessage());
                case INVALID_PARAMETER -> failure(400, "invalid_parameter", webhook.getMessage());
                case UNKNOWN -> failure(404, "not_found", webhook.getMessage());
                case CONFIGURED -> failure(409, "conflict", webhook.getMessage());
            };
            case ConnectException connect -> failure(connect.status(), connect.code(), connect.getMessage());
            case ProxyPath.InvalidPath invalid -> failure(400, "invalid_path", invalid.getMessage());
            case ProxyException proxy -> proxy(proxy);
            case HttpResponseException http -> failure(http.getStatus(), code(http.getStatus()), http.getMessage());
            default -> {
                if (ConnectionFailures.isUnavailable(e)) {
                    // No connection within database.connectionTimeout, or one lost: the caller may try again later.
                    log.warn("{} {}: the database cannot be reached ({})", method, path, e.getClass().getSimpleName());
                    yield failure(503, "database_unavailable", "the database cannot be reached; try again later");
                }
                // The exception may carry anything; the log gets its type and place, the client a generic message.
                log.error("Unexpected failure on {} {}: {}", method, path, e.getClass().getName(), e);
                yield failure(500, "internal_error", "the request failed on the server; see its log");
            }
        };
    }

    static Failure failure(int status, String code, String message) {
        return new Failure(status, Map.of("error", code, "message", message), null);
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
    private static Failure proxy(ProxyException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        boolean refused = e.kind() == ProxyException.Kind.REFUSED;
        if (refused) {
            body.put("missingScopes", e.missingScopes());
        }
        return new Failure(status(e.kind()), body, refused ? e.code() : null);
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

    private static void write(Context ctx, Failure failure) {
        if (failure.access() != null) {
            ctx.header(ProxyRoutes.ACCESS_HEADER, failure.access());
        }
        ctx.status(failure.status()).json(failure.body());
    }
}
