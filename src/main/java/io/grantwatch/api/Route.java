package io.grantwatch.api;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.List;

/**
 * One route, declared once: the same entry registers with Javalin and is what lists the API (the
 * OpenAPI test compares the document against these). {@code path} is in Javalin's syntax, which
 * for {@code {param}} is also OpenAPI's. A route whose {@code handler} is null is served ahead of
 * Javalin by a Jetty handler of its own (the proxy's, {@link ProxyRoutes}); it is declared here all the same.
 */
public record Route(HandlerType method, String path, Role role, String summary, Handler handler, Handler after) {
    public static Route get(String path, Role role, String summary, Handler handler) {
        return new Route(HandlerType.GET, path, role, summary, handler, null);
    }

    public static Route post(String path, Role role, String summary, Handler handler) {
        return new Route(HandlerType.POST, path, role, summary, handler, null);
    }

    public static Route put(String path, Role role, String summary, Handler handler) {
        return new Route(HandlerType.PUT, path, role, summary, handler, null);
    }

    public static Route delete(String path, Role role, String summary, Handler handler) {
        return new Route(HandlerType.DELETE, path, role, summary, handler, null);
    }

    /**
     * The same route with a handler that runs after every request to its path, refused ones too
     * (401, 403, any error), when the status the caller gets is known and nothing is sent yet: the
     * audit's place.
     */
    public Route withAfter(Handler after) {
        return new Route(method, path, role, summary, handler, after);
    }

    /** The path as the OpenAPI document writes it: Javalin's {@code <param>}, which takes slashes, is {@code {param}} there. */
    public String openApiPath() {
        return openApiPath(path);
    }

    public static String openApiPath(String javalinPath) {
        return javalinPath.replaceAll("<([A-Za-z0-9_]+)>", "{$1}");
    }

    /** A resource's routes; a new group only declares them and is added to {@link HttpApi}'s list. */
    public interface Group {
        List<Route> routes();
    }
}
