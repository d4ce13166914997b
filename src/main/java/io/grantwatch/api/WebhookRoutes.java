package io.grantwatch.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.delivery.DeliveryView;
import io.grantwatch.delivery.WebhookService;
import io.grantwatch.delivery.WebhookView;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;

/** {@code /v1/webhooks}: subscriptions, their deliveries, redelivery and secret rotation. */
final class WebhookRoutes implements Route.Group {
    static final Set<String> WEBHOOK_FIELDS = Set.of("url", "types", "grantIds", "format");

    private final WebhookService webhooks;

    WebhookRoutes(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.post("/v1/webhooks", Role.ADMIN, "Subscribe a receiver; the answer is the only one with its secret",
                        this::create),
                Route.get("/v1/webhooks", Role.READ, "List subscriptions", this::list),
                Route.get("/v1/webhooks/{id}", Role.READ, "One subscription", ctx -> ctx.json(webhooks.get(id(ctx)))),
                Route.delete("/v1/webhooks/{id}", Role.ADMIN, "Unsubscribe", this::delete),
                Route.get("/v1/webhooks/{id}/deliveries", Role.READ, "Delivery attempts, newest first", this::deliveries),
                Route.post("/v1/webhooks/{id}/redeliver", Role.ADMIN, "Deliver again from an event, or from the cursor",
                        ctx -> ctx.json(webhooks.redeliver(id(ctx), fromEvent(ctx)))),
                Route.post("/v1/webhooks/{id}/rotate-secret", Role.ADMIN,
                        "A new signing secret; the previous one keeps signing for a while",
                        ctx -> ctx.json(webhooks.rotateSecret(id(ctx)))));
    }

    private void create(Context ctx) {
        WebhookService.Secret created = webhooks.create(newWebhook(ctx));
        ctx.status(201).header("Location", "/v1/webhooks/" + created.id()).json(created);
    }

    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        ctx.json(Page.of("webhooks", webhooks.list(Requests.cursor(ctx, "after", 0), limit), limit, WebhookView::id));
    }

    private void delete(Context ctx) {
        webhooks.delete(id(ctx));
        ctx.status(204);
    }

    private void deliveries(Context ctx) {
        long id = id(ctx);
        int limit = Requests.limit(ctx);
        List<DeliveryView> page = webhooks.deliveries(id, Requests.cursor(ctx, "before", Long.MAX_VALUE), limit);
        ctx.json(Page.of("deliveries", page, limit, DeliveryView::id));
    }

    private static WebhookService.NewWebhook newWebhook(Context ctx) {
        ObjectNode body = Requests.object(ctx, WEBHOOK_FIELDS);
        return new WebhookService.NewWebhook(
                Requests.string(body, "url", true, 2000),
                Requests.strings(body, "types"),
                Requests.ids(body, "grantIds"),
                Requests.string(body, "format", false, 20));
    }

    private static long id(Context ctx) {
        return Requests.id(ctx, "webhook");
    }

    /** The first event to deliver again; absent means from the subscription's cursor. */
    private static Long fromEvent(Context ctx) {
        long from = Requests.cursor(ctx, "from", -1);
        return from < 0 ? null : from;
    }
}
