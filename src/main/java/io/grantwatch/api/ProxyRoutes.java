package io.grantwatch.api;

import io.grantwatch.access.Caller;
import io.grantwatch.audit.AuditService;
import io.grantwatch.proxy.ProxyHeaders;
import io.grantwatch.proxy.ProxyPath;
import io.grantwatch.proxy.SiteProxy;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
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

/**
 * {@code ANY /v1/grants/{id}/proxy/ex/{product}/{cloudId}/{path}}: a site API call made with the
 * grant's token ({@link SiteProxy}). The handler works on the servlet request and response
 * themselves, so that bodies stream through without Javalin holding them.
 */
final class ProxyRoutes implements Route.Group {
    /** {@code <path>} is Javalin's parameter that takes slashes; the OpenAPI document writes it {@code {path}}. */
    static final String PATH = "/v1/grants/{id}/proxy/ex/{product}/{cloudId}/<path>";
    static final List<HandlerType> METHODS = List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
            HandlerType.DELETE, HandlerType.HEAD, HandlerType.OPTIONS);
    static final String ACCESS_HEADER = "Grantwatch-Access";
    static final String REQUIRE_SCOPE_HEADER = "Grantwatch-Require-Scope";
    /** Set on a context whose answer the proxy wrote itself: error pages must not add to it. */
    static final String ANSWERED = "grantwatch.proxy.answered";

    private final SiteProxy proxy;
    private final AuditService audit;
    private final boolean apiKeyRequired;

    ProxyRoutes(SiteProxy proxy, AuditService audit, boolean apiKeyRequired) {
        this.proxy = proxy;
        this.audit = audit;
        this.apiKeyRequired = apiKeyRequired;
    }

    /** One route per method, each a call that needs the {@code tokens} role. */
    @Override
    public List<Route> routes() {
        return METHODS.stream()
                .map(method -> new Route(method, PATH, Role.TOKENS, "Call a site API with the grant's access token", this::proxy,
                        this::audit))
                .toList();
    }

    private void proxy(Context ctx) throws IOException {
        long started = System.nanoTime();
        HttpServletRequest request = ctx.req();
        long grantId = GrantRoutes.id(ctx);
        if (!apiKeyRequired) {
            throw new ApiException(403, "api_key_required",
                    "calling site APIs with a grant's token needs API keys (http.apiKeys or http.apiKey), so that only the integration can");
        }
        ProxyPath.Target target = proxy.target(request.getRequestURI());
        long length = request.getContentLengthLong();
        boolean hasBody = length > 0 || request.getHeader("Transfer-Encoding") != null;
        SiteProxy.Answer answer = proxy.forward(new SiteProxy.Call(grantId, request.getMethod(), target, request.getQueryString(),
                headers(request), requiredScopes(request.getHeader(REQUIRE_SCOPE_HEADER)), length, hasBody,
                request.getInputStream(), started));
        ctx.attribute(ANSWERED, true);
        write(ctx, answer);
    }

    /**
     * Every call, refused ones too, with the status the caller got. The site's answer has gone out by
     * then (it streams), so the entry is written after the request, not before its end.
     */
    private void audit(Context ctx) {
        if (ctx.statusCode() == 503 && ctx.attribute(ANSWERED) == null) {
            return; // the database is out of reach: recording would only wait for it a second time
        }
        Caller caller = HttpApi.caller(ctx);
        long id = Requests.number(ctx.pathParam("id"));
        audit.recordLater(caller == null ? null : caller.keyName(), id > 0 ? id : null, AuditService.proxyAction(ctx.method().name(),
                ctx.pathParam("product"), ctx.pathParam("cloudId"), ctx.pathParam("path")), ctx.statusCode());
    }

    private static void write(Context ctx, SiteProxy.Answer answer) {
        HttpServletResponse response = ctx.res();
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
            Request.getBaseRequest(ctx.req()).getHttpChannel().abort(e);
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
