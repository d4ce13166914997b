package io.grantwatch.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.grants.GrantService;
import io.grantwatch.grants.GrantView;
import io.grantwatch.grants.SnapshotView;
import io.grantwatch.grants.Tokens;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/** {@code /v1/grants}: register, read, replace tokens, delete, check, history, preflight. */
final class GrantRoutes implements Route.Group {
    static final Set<String> REGISTER_FIELDS =
            Set.of("accessToken", "refreshToken", "expiresIn", "expiresAt", "externalId", "label", "consentedAt");
    static final Set<String> TOKEN_FIELDS = Set.of("accessToken", "refreshToken", "expiresIn", "expiresAt");

    private final GrantService grants;
    private final Clock clock;

    GrantRoutes(GrantService grants, Clock clock) {
        this.grants = grants;
        this.clock = clock;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.post("/v1/grants", Role.WRITE, "Register a grant; its first check follows at once", this::register),
                Route.get("/v1/grants", Role.READ, "List grants", this::list),
                Route.get("/v1/grants/{id}", Role.READ, "One grant", ctx -> ctx.json(grants.get(id(ctx)))),
                Route.put("/v1/grants/{id}/tokens", Role.WRITE, "Replace a grant's tokens; a check follows at once",
                        ctx -> ctx.json(grants.replaceTokens(id(ctx), tokens(ctx)))),
                Route.delete("/v1/grants/{id}", Role.WRITE, "Stop monitoring a grant and erase its tokens", this::delete),
                Route.post("/v1/grants/{id}/check", Role.WRITE, "Check a grant now",
                        ctx -> ctx.json(grants.check(id(ctx)))),
                Route.get("/v1/grants/{id}/snapshots", Role.READ, "A grant's history, newest first", this::snapshots),
                Route.get("/v1/grants/{id}/access", Role.READ, "Preflight: may the integration call this site with these scopes",
                        this::access));
    }

    private void register(Context ctx) {
        GrantView grant = grants.register(registration(ctx));
        ctx.status(201).header("Location", "/v1/grants/" + grant.id()).json(grant);
    }

    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        ctx.json(Page.of("grants", grants.list(Requests.cursor(ctx, "after", 0), limit), limit, GrantView::id));
    }

    private void delete(Context ctx) {
        grants.delete(id(ctx));
        ctx.status(204);
    }

    private void snapshots(Context ctx) {
        int limit = Requests.limit(ctx);
        List<SnapshotView> history = grants.history(id(ctx), Requests.cursor(ctx, "before", Long.MAX_VALUE), limit);
        ctx.json(Page.of("snapshots", history, limit, SnapshotView::id));
    }

    private void access(Context ctx) {
        long id = id(ctx);
        String cloudId = ctx.queryParam("cloudId");
        if (cloudId == null || cloudId.isBlank()) {
            throw ApiException.badRequest("missing_parameter", "'cloudId' is required");
        }
        ctx.json(grants.access(id, cloudId, Requests.nonEmpty(ctx.queryParams("scope"))));
    }

    private GrantService.Registration registration(Context ctx) {
        ObjectNode body = Requests.object(ctx, REGISTER_FIELDS);
        return new GrantService.Registration(
                Requests.string(body, "externalId", false, 255),
                Requests.string(body, "label", false, 1000),
                Requests.tokens(body, clock),
                Requests.instant(body, "consentedAt"));
    }

    private Tokens tokens(Context ctx) {
        return Requests.tokens(Requests.object(ctx, TOKEN_FIELDS), clock);
    }

    static long id(Context ctx) {
        return Requests.id(ctx, "grant");
    }
}
