package io.grantwatch.api;

import io.grantwatch.tokens.TokenService;
import io.javalin.http.Context;
import java.util.List;

/** {@code GET /v1/grants/{id}/token}: the one answer that carries a token. */
final class TokenRoutes implements Route.Group {
    private final TokenService tokens;
    private final boolean apiKeyRequired;

    TokenRoutes(TokenService tokens, boolean apiKeyRequired) {
        this.tokens = tokens;
        this.apiKeyRequired = apiKeyRequired;
    }

    @Override
    public List<Route> routes() {
        return List.of(Route.get("/v1/grants/{id}/token", Role.TOKENS,
                "A valid access token for the grant, refreshed first when needed", this::token));
    }

    /** Refused unless an API key protects the API, so that only the integration can ask. */
    private void token(Context ctx) {
        if (!apiKeyRequired) {
            throw new ApiException(403, "api_key_required",
                    "handing out tokens needs http.apiKey to be configured, so that only the integration can ask");
        }
        ctx.header("Cache-Control", "no-store");
        ctx.json(tokens.validAccessToken(GrantRoutes.id(ctx)));
    }
}
