package io.grantwatch.atlassian;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.Json;
import io.grantwatch.net.JettyClients;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.Request;
import org.eclipse.jetty.client.util.BytesRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;

/**
 * Talks to Atlassian: accessible-resources, the token endpoint (refreshes and the consent flow's code
 * exchange) and {@code /me}, on Jetty's HTTP client (threads named {@code atlassian-client}). Calls block
 * (run them on virtual threads), and network trouble comes back as a {@code Transient} result, never as
 * an exception. A GET whose connection drops before any answer is sent once more, on a new connection:
 * a kept-alive connection that the server closed just then is not Atlassian's answer.
 * Tokens go into request headers and bodies only: no message this class makes contains one.
 * Thread-safe; one instance serves the whole process.
 */
public final class AtlassianClient implements AutoCloseable {
    /** The most of a body we read; Atlassian's answers are a few KiB. */
    public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    private static final String RESOURCES = "accessible-resources";
    private static final String TOKEN_ENDPOINT = "the token endpoint";
    private static final String ME = "/me";
    private static final String JSON = "application/json";
    /**
     * Connections to one host at most, and requests waiting for one: far above the checks in flight
     * ({@code polling.concurrency}), so that the limit on them stays the adaptive limit's, not the client's.
     */
    private static final int MAX_CONNECTIONS = 8_192;
    private static final int MAX_QUEUED = 65_536;
    /** A kept-alive connection unused this long is closed. */
    private static final Duration IDLE = Duration.ofSeconds(30);
    /** How long everyone waits after a 429 that did not say how long. */
    private static final Duration DEFAULT_RATE_LIMIT_PAUSE = Duration.ofSeconds(5);

    private final URI accessibleResourcesUri;
    private final URI tokenUri;
    private final URI meUri;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final Clock clock;
    private final RateGate gate;

    public AtlassianClient(URI apiBaseUrl, URI authBaseUrl, Duration requestTimeout) {
        this(apiBaseUrl, authBaseUrl, requestTimeout, RateGate.unlimited(), Clock.systemUTC());
    }

    /**
     * @param gate paces the calls and holds them back while Atlassian signals a rate limit
     * @param clock what a {@code Retry-After} date and an {@code expires_in} are measured from
     */
    public AtlassianClient(URI apiBaseUrl, URI authBaseUrl, Duration requestTimeout, RateGate gate, Clock clock) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.accessibleResourcesUri = under(apiBaseUrl, "/oauth/token/accessible-resources");
        this.tokenUri = under(authBaseUrl, "/oauth/token");
        this.meUri = under(apiBaseUrl, "/me");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.http = JettyClients.create("atlassian-client", new ClientConnector(), requestTimeout, IDLE);
        http.setMaxConnectionsPerDestination(MAX_CONNECTIONS);
        http.setMaxRequestsQueuedPerDestination(MAX_QUEUED);
        JettyClients.start(http, "the Atlassian HTTP client");
    }

    private static URI under(URI base, String path) {
        String text = base.toString();
        return URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + path);
    }

    public CheckResult accessibleResources(String accessToken) {
        String authorization = bearer(accessToken);
        try {
            gate.acquire();
            LimitedBody.Answer response = get(accessibleResourcesUri, authorization, RESOURCES);
            CheckResult result = Classifier.accessibleResources(response.status(), response.headers(), response.body(), clock.instant());
            if (result instanceof CheckResult.Transient failure && failure.reason().equals("rate_limited")) {
                gate.pause(failure.retryAfter() != null ? failure.retryAfter() : DEFAULT_RATE_LIMIT_PAUSE);
            }
            return result;
        } catch (ExchangeFailed failure) {
            return new CheckResult.Transient(failure.reason, failure.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CheckResult.Transient("interrupted", "interrupted while waiting to call " + RESOURCES, null);
        }
    }

    public RefreshResult refresh(String clientId, String clientSecret, String refreshToken) {
        return tokenEndpoint(Json.MAPPER.createObjectNode()
                .put("grant_type", "refresh_token")
                .put("client_id", Objects.requireNonNull(clientId, "clientId"))
                .put("client_secret", Objects.requireNonNull(clientSecret, "clientSecret"))
                .put("refresh_token", Objects.requireNonNull(refreshToken, "refreshToken")));
    }

    /** The consent flow's {@code grant_type=authorization_code}: the code the user's browser brought back becomes tokens. */
    public RefreshResult exchangeCode(String clientId, String clientSecret, String code, URI redirectUri) {
        return tokenEndpoint(Json.MAPPER.createObjectNode()
                .put("grant_type", "authorization_code")
                .put("client_id", Objects.requireNonNull(clientId, "clientId"))
                .put("client_secret", Objects.requireNonNull(clientSecret, "clientSecret"))
                .put("code", Objects.requireNonNull(code, "code"))
                .put("redirect_uri", redirectUri.toString()));
    }

    /** {@code GET {api}/me} with an access token that has the scope {@code read:me}. */
    public AccountResult account(String accessToken) {
        String authorization = bearer(accessToken);
        try {
            gate.acquire();
            LimitedBody.Answer response = get(meUri, authorization, ME);
            return AccountResult.of(response.status(), response.body());
        } catch (ExchangeFailed failure) {
            return new AccountResult.Failed(failure.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AccountResult.Failed("interrupted while waiting to call " + ME);
        }
    }

    private static String bearer(String accessToken) {
        return "Bearer " + headerSafe(accessToken, "access token");
    }

    /** A GET, sent a second time only when its connection dropped before any answer came. */
    private LimitedBody.Answer get(URI uri, String authorization, String endpoint) throws ExchangeFailed {
        for (int attempt = 1; ; attempt++) {
            try {
                return exchange(request(uri, HttpMethod.GET).headers(h -> h.put(HttpHeader.AUTHORIZATION, authorization)), endpoint);
            } catch (ExchangeFailed failure) {
                if (attempt == 2 || !failure.beforeAnyAnswer) {
                    throw failure;
                }
            }
        }
    }

    private Request request(URI uri, HttpMethod method) {
        return http.newRequest(uri)
                .method(method)
                .headers(h -> h.put(HttpHeader.ACCEPT, JSON))
                .timeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private RefreshResult tokenEndpoint(ObjectNode body) {
        byte[] json = bytes(body);
        try {
            gate.acquire();
            LimitedBody.Answer response = exchange(request(tokenUri, HttpMethod.POST).body(new BytesRequestContent(JSON, json)),
                    TOKEN_ENDPOINT);
            RefreshResult result = Classifier.refresh(response.status(), response.headers(), response.body(), clock.instant());
            if (result instanceof RefreshResult.Transient failure && failure.reason().equals("rate_limited")) {
                gate.pause(failure.retryAfter() != null ? failure.retryAfter() : DEFAULT_RATE_LIMIT_PAUSE);
            }
            return result;
        } catch (ExchangeFailed failure) {
            return new RefreshResult.Transient(failure.reason, failure.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RefreshResult.Transient("interrupted", "interrupted while waiting to call " + TOKEN_ENDPOINT, null);
        }
    }

    @Override
    public void close() {
        JettyClients.stop(http);
    }

    // An HTTP library would reject such a value with a message that quotes it, or send it; we say what is wrong without it.
    private static String headerSafe(String token, String what) {
        Objects.requireNonNull(token, what);
        if (token.isEmpty() || !token.chars().allMatch(c -> c > ' ' && c <= '~')) {
            throw new IllegalArgumentException("the " + what + " is empty or holds characters an HTTP header cannot carry");
        }
        return token;
    }

    private static byte[] bytes(ObjectNode body) {
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON object of strings", e);
        }
    }

    /**
     * Sends and reads the whole answer within the request timeout, headers and body together (Jetty's
     * total timeout, which also counts the wait for a connection).
     */
    private LimitedBody.Answer exchange(Request request, String endpoint) throws ExchangeFailed {
        LimitedBody listener = new LimitedBody(MAX_BODY_BYTES);
        request.send(listener);
        try {
            // The total timeout ends the exchange; the margin only guards against an answer that never completes.
            return listener.answer().get(requestTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            request.abort(e);
            throw timeout(endpoint);
        } catch (InterruptedException e) {
            request.abort(e);
            Thread.currentThread().interrupt();
            throw new ExchangeFailed("connection_failed", "interrupted while waiting for " + endpoint, false);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), endpoint, !listener.responded());
        }
    }

    private ExchangeFailed timeout(String endpoint) {
        return new ExchangeFailed("timeout", "no answer from " + endpoint + " within " + requestTimeout, false);
    }

    // Only exception class names go into the detail: their messages are not ours to vouch for.
    private ExchangeFailed failure(Throwable cause, String endpoint, boolean beforeAnyAnswer) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof LimitedBody.TooLarge) {
                return new ExchangeFailed("body_too_large", "answer from " + endpoint + " over " + MAX_BODY_BYTES + " bytes", false);
            }
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return timeout(endpoint);
            }
        }
        String kind = cause == null ? "unknown failure" : cause.getClass().getSimpleName();
        return new ExchangeFailed("connection_failed", "no answer from " + endpoint + " (" + kind + ")", beforeAnyAnswer);
    }

    private static final class ExchangeFailed extends Exception {
        private final String reason;
        /** The connection failed before any of an answer came: a GET may be sent again. */
        private final boolean beforeAnyAnswer;

        ExchangeFailed(String reason, String detail, boolean beforeAnyAnswer) {
            super(detail, null, false, false);
            this.reason = reason;
            this.beforeAnyAnswer = beforeAnyAnswer;
        }
    }
}
