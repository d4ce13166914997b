package io.grantwatch.proxy;

import io.grantwatch.config.Config;
import io.grantwatch.core.GrantStatus;
import io.grantwatch.grants.Access;
import io.grantwatch.grants.GrantService;
import io.grantwatch.net.JettyClients;
import io.grantwatch.tokens.TokenService;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.Request;
import org.eclipse.jetty.client.api.Response;
import org.eclipse.jetty.client.util.InputStreamRequestContent;
import org.eclipse.jetty.client.util.InputStreamResponseListener;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.ClientConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a site's API with a grant's access token: {@code {apiBaseUrl}/ex/{product}/{cloudId}/{path}}.
 *
 * <p>Before the call, the grant's latest state is asked ({@link GrantService#access}): a revoked
 * grant, a site it does not reach, or a scope the caller requires and it lacks, is refused and the
 * site is not called; a pending grant is checked first. The token comes from {@link TokenService},
 * refreshed first under the cross-node lock when it is about to expire ({@link CallTokens} keeps it a
 * second); it goes into the request's {@code Authorization} header and nowhere else. Bodies stream both
 * ways, read only as fast as the other side takes them. The calls go out on Jetty's HTTP client, which
 * costs a proxied call about half the CPU time of the JDK's (README "Benchmarks"). A 401 or
 * 403 from the site makes grantwatch check the grant before the answer is passed on (one check for
 * all the calls of a grant that run into it together), so the answer says what the grant is now.
 * Only {@code apiBaseUrl} is ever called: redirects are passed back, never followed. A call is never
 * retried. Thread-safe.
 */
public final class SiteProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SiteProxy.class);
    private static final Set<String> REFUSALS = Set.of("grant_revoked", "site_not_granted", "scope_missing");
    static final String THREADS = "site-proxy";
    /** Calls to the site at once (one connection each); the calls beyond wait for a connection, up to {@link #QUEUED}. */
    static final int CONNECTIONS = 256;
    static final int QUEUED = 10_000;
    private static final int BODY_BUFFER = 16 * 1024;
    /** A site connection that carries nothing for this long, in the middle of a body or between calls, is closed. */
    static final Duration IDLE = Duration.ofSeconds(30);

    private final String apiBaseUrl;
    private final long maxBodyBytes;
    private final Duration timeout;
    private final GrantService grants;
    private final CallTokens tokens;
    private final SharedCheck checks;
    private final ProxyMetrics metrics;
    private final HttpClient http;

    /** @param refreshMargin {@code tokens.refreshMargin}: a token that close to its end is refreshed before a call */
    public SiteProxy(URI apiBaseUrl, Config.Proxy config, GrantService grants, TokenService tokens, Duration refreshMargin,
            Clock clock, ProxyMetrics metrics) {
        String base = apiBaseUrl.toString();
        this.apiBaseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.maxBodyBytes = config.maxBodyBytes();
        this.timeout = config.timeout();
        this.grants = grants;
        this.tokens = new CallTokens(tokens, refreshMargin, clock);
        this.checks = new SharedCheck(grants);
        this.metrics = metrics;
        // Not proxy.timeout as the idle timeout: a caller that reads a large body slowly leaves the site's connection idle meanwhile.
        this.http = JettyClients.create(THREADS, new ClientConnector(), timeout, IDLE);
        http.setMaxConnectionsPerDestination(CONNECTIONS);
        http.setMaxRequestsQueuedPerDestination(QUEUED);
        // A site's 3xx, 401 or 407 is its answer, passed on; its body is passed on as it came.
        JettyClients.start(http, "the site API HTTP client");
    }

    /**
     * One call as it came in.
     *
     * @param rawQuery the query string as received (still encoded), or null
     * @param contentLength the declared body length, or -1 when none was declared
     * @param hasBody whether the request carries a body at all (a length above 0, or a chunked one)
     * @param startedNanos {@link System#nanoTime()} when the request reached grantwatch
     */
    public record Call(long grantId, String method, ProxyPath.Target target, String rawQuery, List<ProxyHeaders.Header> headers,
            List<String> requiredScopes, long contentLength, boolean hasBody, InputStream body, long startedNanos) {}

    /** The site's answer, to be passed on as it is; {@code access} is the Grantwatch-Access reason. */
    public record Answer(int status, List<ProxyHeaders.Header> headers, InputStream body, String access) {}

    /** Where a request goes ({@link ProxyPath#parse}); a refused path is counted. */
    public ProxyPath.Target target(String rawUri) {
        try {
            return ProxyPath.parse(rawUri);
        } catch (ProxyPath.InvalidPath e) {
            metrics.refused("invalid_path");
            throw e;
        }
    }

    public Answer forward(Call call) {
        ProxyPath.Target target = call.target();
        Access access = refuseOrAllow(call);
        if (call.contentLength() > maxBodyBytes) {
            throw refused(ProxyException.Kind.TOO_LARGE, "payload_too_large",
                    "the request body is larger than proxy.maxBodyBytes (" + maxBodyBytes + " bytes)");
        }
        String token;
        try {
            token = tokens.token(call.grantId());
        } catch (TokenService.TokenUnavailableException e) {
            metrics.refused("token_unavailable");
            throw e;
        }
        Request request = request(call, token);
        long sent = System.nanoTime();
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        Response response = await(request, listener);
        long received = System.nanoTime();
        String reason = access.reason();
        if (response.getStatus() == 401 || response.getStatus() == 403) {
            tokens.drop(call.grantId());
            reason = checkAfterRefusal(call);
        }
        List<ProxyHeaders.Header> headers = new ArrayList<>();
        for (HttpField field : response.getHeaders()) {
            headers.add(new ProxyHeaders.Header(field.getName(), field.getValue()));
        }
        metrics.answered(target.product(), response.getStatus());
        metrics.overhead(Duration.ofNanos((sent - call.startedNanos()) + (System.nanoTime() - received)));
        return new Answer(response.getStatus(), ProxyHeaders.toCaller(headers), listener.getInputStream(), reason);
    }

    /** The latest state, after a first check if the grant has none yet; a known refusal is thrown. */
    private Access refuseOrAllow(Call call) {
        Access access = grants.access(call.grantId(), call.target().cloudId(), call.requiredScopes());
        if (access.status() == GrantStatus.PENDING) {
            checks.check(call.grantId(), null);
            access = grants.access(call.grantId(), call.target().cloudId(), call.requiredScopes());
        }
        if (REFUSALS.contains(access.reason())) {
            metrics.refused(access.reason());
            throw new ProxyException(ProxyException.Kind.REFUSED, access.reason(), switch (access.reason()) {
                case "grant_revoked" -> "the grant is revoked: the user must consent again; the site was not called";
                case "site_not_granted" -> "the grant does not reach this site (as of " + access.checkedAt()
                        + "); the site was not called";
                default -> "the grant lacks scopes that Grantwatch-Require-Scope names (see missingScopes); the site was not called";
            }, access.missingScopes());
        }
        return access;
    }

    /** Checks the grant now and answers the reason its fresh state gives; a failed check leaves "unknown". */
    private String checkAfterRefusal(Call call) {
        try {
            checks.check(call.grantId(), call.target().cloudId());
            return grants.access(call.grantId(), call.target().cloudId(), call.requiredScopes()).reason();
        } catch (RuntimeException e) {
            log.warn("Check of grant {} after its token was refused by a site API failed: {}", call.grantId(), e.getClass().getName());
            return "unknown";
        }
    }

    private Request request(Call call, String token) {
        URI uri;
        try {
            uri = URI.create(apiBaseUrl + call.target().apiPath() + (call.rawQuery() == null ? "" : "?" + call.rawQuery()));
        } catch (IllegalArgumentException e) {
            throw refused(ProxyException.Kind.INVALID_PATH, "invalid_path", "the query string is not a valid URI query");
        }
        List<ProxyHeaders.Header> headers = ProxyHeaders.toSite(call.headers());
        for (ProxyHeaders.Header header : headers) {
            if (!validHeader(header)) {
                throw refused(ProxyException.Kind.INVALID_PATH, "invalid_header", "a request header cannot be passed on as it is");
            }
        }
        Request request = http.newRequest(uri)
                .method(call.method())
                .headers(fields -> {
                    for (ProxyHeaders.Header header : headers) {
                        fields.add(header.name(), header.value());
                    }
                    fields.put("Authorization", "Bearer " + token);
                });
        if (call.hasBody()) {
            // No content type of the client's own: the caller's header, if any, is among the headers.
            request.body(new InputStreamRequestContent(null, new Limited(call.body(), maxBodyBytes), BODY_BUFFER) {
                @Override
                public long getLength() {
                    return call.contentLength();
                }
            });
        }
        return request;
    }

    /** A header a site can be sent: a token name, and a value without line breaks or other control characters. */
    private static boolean validHeader(ProxyHeaders.Header header) {
        String name = header.name();
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                return false;
            }
        }
        for (int i = 0; i < header.value().length(); i++) {
            char c = header.value().charAt(i);
            if ((c < ' ' && c != '\t') || c == 127) {
                return false;
            }
        }
        return true;
    }

    /** The site's status and headers, within {@code proxy.timeout}; the body follows as the caller reads it. */
    private Response await(Request request, InputStreamResponseListener listener) {
        try {
            return listener.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            request.abort(e);
            throw refused(ProxyException.Kind.SITE_TIMEOUT, "site_timeout", "the site did not answer within proxy.timeout (" + timeout + ")");
        } catch (ExecutionException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof Limited.TooLarge) {
                    throw refused(ProxyException.Kind.TOO_LARGE, "payload_too_large",
                            "the request body is larger than proxy.maxBodyBytes (" + maxBodyBytes + " bytes)");
                }
                if (cause instanceof TimeoutException) {
                    throw refused(ProxyException.Kind.SITE_TIMEOUT, "site_timeout",
                            "the site did not answer within proxy.timeout (" + timeout + ")");
                }
            }
            // Only the class: the message of an I/O failure is not ours to vouch for.
            throw refused(ProxyException.Kind.SITE_UNREACHABLE, "site_unreachable",
                    "no answer from the site (" + e.getCause().getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abort(e);
            throw refused(ProxyException.Kind.SITE_UNREACHABLE, "site_unreachable", "interrupted while waiting for the site");
        }
    }

    private ProxyException refused(ProxyException.Kind kind, String code, String message) {
        metrics.refused(code.equals("invalid_header") ? "invalid_path" : code);
        return new ProxyException(kind, code, message);
    }

    @Override
    public void close() {
        JettyClients.stop(http);
    }

    /** A request body that fails once it passes the limit, for bodies sent without a length. */
    private static final class Limited extends FilterInputStream {
        private final long limit;
        private long read;

        Limited(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        static final class TooLarge extends IOException {
            TooLarge() {
                super("request body over the limit", null);
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) throws TooLarge {
            read += n;
            if (read > limit) {
                throw new TooLarge();
            }
        }
    }
}
