package io.grantwatch.api;

import io.grantwatch.access.Caller;
import io.grantwatch.audit.AuditService;
import io.grantwatch.tokens.TokenService;
import io.javalin.http.Context;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code GET /v1/grants/{id}/token}: the one answer that carries a token, and every asking audited. */
final class TokenRoutes implements Route.Group {
    private static final Logger log = LoggerFactory.getLogger(TokenRoutes.class);

    private final TokenService tokens;
    private final AuditService audit;
    private final boolean apiKeyRequired;

    TokenRoutes(TokenService tokens, AuditService audit, boolean apiKeyRequired) {
        this.tokens = tokens;
        this.audit = audit;
        this.apiKeyRequired = apiKeyRequired;
    }

    @Override
    public List<Route> routes() {
        return List.of(Route.get("/v1/grants/{id}/token", Role.TOKENS,
                "A valid access token for the grant, refreshed first when needed", this::token).withAfter(this::audit));
    }

    /** Refused unless API keys protect the API, so that only the integration can ask. */
    private void token(Context ctx) {
        if (!apiKeyRequired) {
            throw new ApiException(403, "api_key_required",
                    "handing out tokens needs API keys (http.apiKeys or http.apiKey), so that only the integration can ask");
        }
        ctx.header("Cache-Control", "no-store");
        ctx.json(tokens.validAccessToken(GrantRoutes.id(ctx)));
    }

    /** Every asking, refused ones too, with the status the caller gets. A token that cannot be recorded is not sent. */
    private void audit(Context ctx) {
        if (ctx.statusCode() == 503) {
            return; // the database is out of reach: recording would only wait for it a second time
        }
        Caller caller = HttpApi.caller(ctx);
        long id = Requests.number(ctx.pathParam("id"));
        Long grantId = id > 0 ? id : null; // not an id: the entry names no grant
        try {
            audit.record(caller == null ? null : caller.keyName(), grantId, AuditService.TOKEN, ctx.statusCode());
        } catch (RuntimeException e) {
            log.warn("Audit: a token hand-out could not be recorded ({}); it is refused", e.getClass().getSimpleName());
            ctx.status(503).json(java.util.Map.of("error", "database_unavailable",
                    "message", "the hand-out could not be recorded in the audit; try again"));
        }
    }
}
