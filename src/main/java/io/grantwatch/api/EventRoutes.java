package io.grantwatch.api;

import io.grantwatch.core.EventType;
import io.grantwatch.events.EventFeed;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;

/** {@code GET /v1/events}: the feed, oldest first after the cursor, optionally held until an event exists. */
final class EventRoutes implements Route.Group {
    private static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private final EventFeed feed;

    EventRoutes(EventFeed feed) {
        this.feed = feed;
    }

    @Override
    public List<Route> routes() {
        return List.of(Route.get("/v1/events", Role.READ, "The event feed, oldest first after the cursor", this::events));
    }

    private void events(Context ctx) throws InterruptedException {
        long after = Requests.cursor(ctx, "after", 0);
        int limit = Requests.limit(ctx);
        Long grantId = Requests.optionalId(ctx, "grantId");
        List<String> types = types(ctx);
        EventFeed.Page page = feed.read(after, limit, grantId, types, Requests.duration(ctx, "wait", MAX_WAIT));
        // The feed's cursor is never null: a reader at the end waits there for what comes next.
        ctx.json(new Page<>("events", page.events(), String.valueOf(page.nextCursor())));
    }

    private static List<String> types(Context ctx) {
        List<String> types = Requests.nonEmpty(ctx.queryParams("type"));
        for (String type : types) {
            if (EventType.fromWireName(type).isEmpty()) {
                throw ApiException.badRequest("invalid_parameter", "unknown event type '" + Requests.printable(type) + "'");
            }
        }
        return types;
    }
}
