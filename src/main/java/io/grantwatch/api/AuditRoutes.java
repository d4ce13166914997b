package io.grantwatch.api;

import io.grantwatch.audit.AuditService;
import io.javalin.http.Context;
import java.util.List;

/** {@code GET /v1/audit}: who was handed a token or made a proxied call, oldest first like the feed. */
final class AuditRoutes implements Route.Group {
    private final AuditService audit;

    AuditRoutes(AuditService audit) {
        this.audit = audit;
    }

    @Override
    public List<Route> routes() {
        return List.of(Route.get("/v1/audit", Role.ADMIN, "Token hand-outs and proxied calls, refused ones too, oldest first",
                this::entries));
    }

    private void entries(Context ctx) {
        long after = Requests.cursor(ctx, "after", 0);
        int limit = Requests.limit(ctx);
        AuditService.Page page = audit.read(after, limit, Requests.optionalId(ctx, "grantId"));
        // Like the feed's, the cursor is never null: a reader at the end asks again from there.
        ctx.json(new Page<>("entries", page.entries(), String.valueOf(page.nextCursor())));
    }
}
