package io.grantwatch.api;

import io.grantwatch.Json;
import io.grantwatch.access.AccessGate;
import io.grantwatch.access.Caller;
import io.grantwatch.audit.AuditService;
import io.grantwatch.proxy.ProxyHeaders;
import io.grantwatch.proxy.ProxyPath;
import io.grantwatch.proxy.SiteProxy;
import io.javalin.http.HandlerType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.eclipse.jetty.util.URIUtil;

/**
 * {@code ANY /v1/grants/{id}/proxy/ex/{product}/{cloudId}/{path}}: a site API call made with the
 * grant's token ({@link SiteProxy}).
 *
 * <p>These routes are served by a Jetty handler ahead of Javalin ({@link #handler()}), on the
 * servlet request and response themselves, so that bodies stream through and nothing is held. Why
 * not a Javalin route: a proxied call is two HTTP exchanges where a direct call is one, and
 * Javalin's routing, context, before- and after-handlers cost the proxy as much as a fifth of its own
 * work again (README "Benchmarks"). What Javalin did for them is done here, in its order: the key (401),
 * its role (403), the id (404), then the call, the JSON error of {@link ApiErrors} for every refusal,
 * and the audit entry once the answer is out. Every other request goes on to Javalin.
 */
final class ProxyRoutes implements Route.Group {
    /** {@code <path>} is Javalin's parameter that takes slashes; the OpenAPI document writes it {@code {path}}. */
    static final String PATH = "/v1/grants/{id}/proxy/ex/{product}/{cloudId}/<path>";
    static final List<HandlerType> METHODS = List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
            HandlerType.DELETE, HandlerType.HEAD, HandlerType.OPTIONS);
    static final String ACCESS_HEADER = "Grantwatch-Access";
    static final String REQUIRE_SCOPE_HEADER = "Grantwatch-Require-Scope";
    private static final Set<String> METHOD_NAMES = Set.copyOf(METHODS.stream().map(HandlerType::name).toList());
    private static final int FIRST_PATH_SEGMENT = ProxyPath.FIRST_PATH_SEGMENT;
    /** How much of a refused request's body is read and dropped so that the answer reaches the caller. */
    private static final long DRAIN_BYTES = 32L * 1024 * 1024;

    private final SiteProxy proxy;
    private final AuditService audit;
    private final AccessGate gate;

    ProxyRoutes(SiteProxy proxy, AuditService audit, AccessGate gate) {
        this.proxy = proxy;
        this.audit = audit;
        this.gate = gate;
    }

    /** One route per method, each a call that needs the {@code tokens} role; served by {@link #handler()}, not Javalin. */
    @Override
    public List<Route> routes() {
        return METHODS.stream()
                .map(method -> new Route(method, PATH, Role.TOKENS, "Call a site API with the grant's access token", null, null))
                .toList();
    }

    /** The Jetty handler that serves these routes; it passes every other request on to the handler it wraps (Javalin). */
    HandlerWrapper handler() {
        return new HandlerWrapper() {
            @Override
            public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response)
                    throws IOException, ServletException {
                String[] segments = matched(request);
                if (segments == null) {
                    super.handle(target, base, request, response);
                    return;
                }
                base.setHandled(true);
                serve(segments, base, request, response);
            }
        };
    }

    /**
     * The raw URI's segments when the request is one of these routes (an id, a product and a cloudId
     * segment, and a path after them, which {@link ProxyPath} checks), else null.
     */
    private static String[] matched(HttpServletRequest request) {
        String uri = request.getRequestURI();
        if (!uri.startsWith("/v1/grants/") || !uri.contains("/proxy/ex/") || !METHOD_NAMES.contains(request.getMethod())) {
            return null; // every other route, without splitting its path
        }
        String[] segments = uri.split("/", -1);
        if (segments.length <= FIRST_PATH_SEGMENT || !segments[4].equals("proxy") || !segments[5].equals("ex")
                || segments[3].isEmpty() || segments[6].isEmpty() || segments[7].isEmpty()) {
            return null;
        }
        return segments;
    }

    private void serve(String[] segments, Request base, HttpServletRequest request, HttpServletResponse response) {
        long started = System.nanoTime();
        Caller caller = null;
        boolean answered = false;
        long grantId = Requests.number(segments[3]);
        try {
            switch (gate.decide(request.getHeader("Authorization"), io.grantwatch.access.Role.TOKENS)) {
                case AccessGate.Decision.Allowed allowed -> caller = allowed.caller();
                case AccessGate.Decision.Forbidden forbidden -> {
                    caller = forbidden.caller();
                    throw HttpApi.forbidden(forbidden.needed(), request.getMethod(), PATH);
                }
                case AccessGate.Decision.Unauthenticated none -> throw HttpApi.unauthorized();
            }
            Requests.id(segments[3], "grant"); // a 404 for an id we cannot have given out
            if (!gate.keysConfigured()) {
                throw new ApiException(403, "api_key_required",
                        "calling site APIs with a grant's token needs API keys (http.apiKeys or http.apiKey), so that only the integration can");
            }
            long length = request.getContentLengthLong();
            boolean hasBody = length > 0 || request.getHeader("Transfer-Encoding") != null;
            SiteProxy.Answer answer = proxy.forward(new SiteProxy.Call(grantId, request.getMethod(),
                    proxy.target(request.getRequestURI()), request.getQueryString(), headers(request),
                    requiredScopes(request.getHeader(REQUIRE_SCOPE_HEADER)), length, hasBody, request.getInputStream(), started));
            answered = true;
            write(base, response, answer);
        } catch (Exception e) {
            refuse(base, response, ApiErrors.failure(e, request.getMethod(), Route.openApiPath(PATH)));
            drainRest(request);
        }
        // Every call, refused ones too, with the status the caller got. The site's answer has gone out by
        // then (it streams), so the entry is written after the request, not before its end.
        if (response.getStatus() == 503 && !answered) {
            return; // the database is out of reach: recording would only wait for it a second time
        }
        audit.recordLater(caller == null ? null : caller.keyName(), grantId > 0 ? grantId : null,
                AuditService.proxyAction(request.getMethod(), decoded(segments[6]), decoded(segments[7]),
                        decoded(String.join("/", List.of(segments).subList(FIRST_PATH_SEGMENT, segments.length)))),
                response.getStatus());
    }

    private static void write(Request base, HttpServletResponse response, SiteProxy.Answer answer) {
        response.setStatus(answer.status());
        // The first value of a name replaces what Jetty put there already (its own Date), the others add to it.
        Set<String> named = new HashSet<>();
        for (ProxyHeaders.Header header : answer.headers()) {
            if (named.add(header.name().toLowerCase(Locale.ROOT))) {
                response.setHeader(header.name(), header.value());
            } else {
                response.addHeader(header.name(), header.value());
            }
        }
        response.setHeader(ACCESS_HEADER, answer.access());
        try (InputStream body = answer.body()) {
            OutputStream out = response.getOutputStream();
            body.transferTo(out);
            out.flush();
        } catch (IOException e) {
            // The site or the caller went away in the middle of the body. Ending the answer normally would
            // pass a cut-off body for a whole one: the connection is dropped instead.
            base.getHttpChannel().abort(e);
        }
    }

    /** A refusal or failure as the JSON error every other route answers; once the answer has begun, the connection is dropped. */
    private static void refuse(Request base, HttpServletResponse response, ApiErrors.Failure failure) {
        if (response.isCommitted()) {
            base.getHttpChannel().abort(new IOException("the proxied answer failed after it had begun"));
            return;
        }
        response.reset();
        response.setStatus(failure.status());
        if (failure.access() != null) {
            response.setHeader(ACCESS_HEADER, failure.access());
        }
        response.setContentType("application/json");
        try {
            // The length first: the whole answer goes out in one write, before Jetty closes a connection
            // whose request body was refused unread.
            byte[] body = Json.MAPPER.writeValueAsBytes(failure.body());
            response.setContentLength(body.length);
            OutputStream out = response.getOutputStream();
            out.write(body);
            out.flush();
        } catch (IOException e) {
            base.getHttpChannel().abort(e); // the caller went away
        }
    }

    /**
     * Reads and drops what is left of a refused request's body, up to {@link #DRAIN_BYTES}. A connection
     * closed with unread bytes in it is reset, and a reset can destroy the answer before the caller has
     * read it (a 413 for a body over the limit, sent while the caller is still sending): this way the caller
     * gets its answer. A body larger than that is cut off as before.
     */
    private static void drainRest(HttpServletRequest request) {
        try {
            InputStream in = request.getInputStream();
            byte[] buffer = new byte[16 * 1024];
            for (long left = DRAIN_BYTES; left > 0; ) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    return;
                }
                left -= read;
            }
        } catch (IOException | RuntimeException e) {
            // The caller went away, or the body was consumed already: nothing left to drain.
        }
    }

    /** The path as the audit names it: decoded once, or as it came when it does not decode. */
    private static String decoded(String raw) {
        try {
            return URIUtil.decodePath(raw);
        } catch (RuntimeException e) {
            return raw;
        }
    }

    private static List<ProxyHeaders.Header> headers(HttpServletRequest request) {
        List<ProxyHeaders.Header> headers = new ArrayList<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            for (String value : Collections.list(request.getHeaders(name))) {
                headers.add(new ProxyHeaders.Header(name, value));
            }
        }
        return headers;
    }

    static List<String> requiredScopes(String header) {
        if (header == null || header.isBlank()) {
            return List.of();
        }
        return List.of(header.trim().split("[\\s,]+"));
    }
}
