package io.grantwatch.delivery;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POSTs one request to a receiver, and always answers with a {@link Result}: the whole exchange,
 * body included, is bounded by the request timeout, so a receiver that trickles its answer cannot
 * hold a worker. Messages never repeat the url (it may be a credential). Thread-safe.
 */
final class WebhookSender implements AutoCloseable {
    /** How much of a receiver's answer the delivery log keeps, to tell operators why it refused. */
    private static final int SNIPPET_BYTES = 200;

    private final Duration timeout;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;

    WebhookSender(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    static final String DELIVERED = "delivered";
    static final String FAILED = "failed";
    static final String TIMEOUT = "timeout";

    /** @param outcome {@link #DELIVERED}, {@link #FAILED} or {@link #TIMEOUT} */
    record Result(String outcome, Integer statusCode, Duration latency, String error) {
        boolean delivered() {
            return outcome.equals(DELIVERED);
        }
    }

    Result post(String url, String contentType, String body, Map<String, String> headers) throws InterruptedException {
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> exchange;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(timeout)
                    .header("Content-Type", contentType)
                    .header("User-Agent", "grantwatch-webhooks")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            headers.forEach(request::header);
            exchange = http.sendAsync(request.build(), info -> new Snippet());
        } catch (IllegalArgumentException e) {
            return new Result(FAILED, null, Duration.ZERO, "the request cannot be made for this url");
        }
        try {
            HttpResponse<String> response = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            Duration latency = Duration.ofNanos(System.nanoTime() - started);
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new Result(DELIVERED, status, latency, null);
            }
            String snippet = response.body().isBlank() ? "" : ": " + response.body();
            return new Result(FAILED, status, latency, "HTTP " + status + snippet);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return timedOut(started);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Duration latency = Duration.ofNanos(System.nanoTime() - started);
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                return timedOut(started);
            }
            if (cause instanceof ConnectException) {
                return new Result(FAILED, null, latency, "cannot connect (refused or unreachable)");
            }
            if (cause instanceof IOException) {
                return new Result(FAILED, null, latency, "network error (" + cause.getClass().getSimpleName() + ")");
            }
            return new Result(FAILED, null, latency, "request failed (" + cause.getClass().getSimpleName() + ")");
        }
    }

    private Result timedOut(long started) {
        return new Result(TIMEOUT, null, Duration.ofNanos(System.nanoTime() - started), "no answer within " + timeout);
    }

    @Override
    public void close() {
        // Without this the client's selector thread outlives the sender; attempts in flight are made again anyway.
        http.shutdownNow();
        executor.shutdownNow();
    }

    /** Keeps the first bytes of a body as printable text and drops the rest. One per response. */
    private static final class Snippet implements HttpResponse.BodySubscriber<String> {
        private final ByteBuffer kept = ByteBuffer.allocate(SNIPPET_BYTES);
        private final CompletableFuture<String> result = new CompletableFuture<>();

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                while (buffer.hasRemaining() && kept.hasRemaining()) {
                    kept.put(buffer.get());
                }
            }
        }

        @Override
        public void onError(Throwable failure) {
            result.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            String text = new String(kept.array(), 0, kept.position(), StandardCharsets.UTF_8);
            result.complete(text.replaceAll("[^\\x20-\\x7E]", " ").strip());
        }
    }
}
