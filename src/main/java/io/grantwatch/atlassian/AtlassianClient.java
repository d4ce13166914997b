package io.grantwatch.atlassian;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Talks to Atlassian: accessible-resources and the token endpoint. Calls block (run them on virtual
 * threads), and network trouble comes back as a {@code Transient} result, never as an exception.
 * Tokens go into request headers and bodies only: no message this class makes contains one.
 * Thread-safe; one instance serves the whole process.
 */
public final class AtlassianClient implements AutoCloseable {
    /** The most of a body we read; Atlassian's answers are a few KiB. */
    public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    private static final String RESOURCES = "accessible-resources";
    private static final String TOKEN_ENDPOINT = "the token endpoint";
    private static final String JSON = "application/json";
    /** How long everyone waits after a 429 that did not say how long. */
    private static final Duration DEFAULT_RATE_LIMIT_PAUSE = Duration.ofSeconds(5);

    private final URI accessibleResourcesUri;
    private final URI tokenUri;
    private final Duration requestTimeout;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
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
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout)
                .executor(executor)
                .build();
    }

    private static URI under(URI base, String path) {
        String text = base.toString();
        return URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + path);
    }

    public CheckResult accessibleResources(String accessToken) {
        HttpRequest request = HttpRequest.newBuilder(accessibleResourcesUri)
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + headerSafe(accessToken, "access token"))
                .header("Accept", JSON)
                .GET()
                .build();
        try {
            gate.acquire();
            HttpResponse<byte[]> response = exchange(request, RESOURCES);
            CheckResult result =
                    Classifier.accessibleResources(response.statusCode(), response.headers().map(), response.body(), clock.instant());
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
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("grant_type", "refresh_token")
                .put("client_id", Objects.requireNonNull(clientId, "clientId"))
                .put("client_secret", Objects.requireNonNull(clientSecret, "clientSecret"))
                .put("refresh_token", Objects.requireNonNull(refreshToken, "refreshToken"));
        HttpRequest request = HttpRequest.newBuilder(tokenUri)
                .timeout(requestTimeout)
                .header("Content-Type", JSON)
                .header("Accept", JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body)))
                .build();
        try {
            gate.acquire();
            HttpResponse<byte[]> response = exchange(request, TOKEN_ENDPOINT);
            RefreshResult result = Classifier.refresh(response.statusCode(), response.headers().map(), response.body(), clock.instant());
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
        http.close();
        executor.close();
    }

    // The JDK would reject such a value with a message that quotes it; we say what is wrong without it.
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

    /** Sends and reads the whole answer within the request timeout, headers and body together. */
    private HttpResponse<byte[]> exchange(HttpRequest request, String endpoint) throws ExchangeFailed {
        CompletableFuture<HttpResponse<byte[]>> answer = http.sendAsync(request, LimitedBody.handler(MAX_BODY_BYTES));
        try {
            return answer.get(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw timeout(endpoint);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new ExchangeFailed("connection_failed", "interrupted while waiting for " + endpoint);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), endpoint);
        }
    }

    private ExchangeFailed timeout(String endpoint) {
        return new ExchangeFailed("timeout", "no answer from " + endpoint + " within " + requestTimeout);
    }

    // Only exception class names go into the detail: their messages are not ours to vouch for.
    private ExchangeFailed failure(Throwable cause, String endpoint) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof LimitedBody.TooLarge) {
                return new ExchangeFailed("body_too_large", "answer from " + endpoint + " over " + MAX_BODY_BYTES + " bytes");
            }
            if (t instanceof HttpTimeoutException) {
                return timeout(endpoint);
            }
        }
        String kind = cause == null ? "unknown failure" : cause.getClass().getSimpleName();
        return new ExchangeFailed("connection_failed", "no answer from " + endpoint + " (" + kind + ")");
    }

    private static final class ExchangeFailed extends Exception {
        private final String reason;

        ExchangeFailed(String reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }
}
