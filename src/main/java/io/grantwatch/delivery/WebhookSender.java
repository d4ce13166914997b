package io.grantwatch.delivery;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSocketFactory;

/**
 * POSTs one request to a receiver, and always answers with a {@link Result}: the whole exchange,
 * name resolution and body included, is bounded by the request timeout, so a receiver that trickles
 * its answer cannot hold a worker. The host is resolved and checked by {@link ReceiverGuard} at
 * every delivery, and the connection goes to the checked address. Messages never repeat the url
 * (it may be a credential). Thread-safe.
 */
final class WebhookSender implements AutoCloseable {
    /** How much of a receiver's answer the delivery log keeps, to tell operators why it refused. */
    private static final int SNIPPET_BYTES = 200;

    private final Duration timeout;
    private final ReceiverGuard guard;
    private final SSLSocketFactory tlsSockets;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    WebhookSender(Duration timeout, ReceiverGuard guard) {
        this(timeout, guard, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** @param tlsSockets the JVM's default in the daemon; tests trust a certificate of their own */
    WebhookSender(Duration timeout, ReceiverGuard guard, SSLSocketFactory tlsSockets) {
        this.timeout = timeout;
        this.guard = guard;
        this.tlsSockets = tlsSockets;
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
        URI uri;
        try {
            uri = new URI(url);
            if (uri.getHost() == null || uri.getScheme() == null) {
                throw new URISyntaxException(url, "no host");
            }
        } catch (URISyntaxException e) {
            return new Result(FAILED, null, Duration.ZERO, "the request cannot be made for this url");
        }
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Content-Type", contentType);
        all.put("User-Agent", "grantwatch-webhooks");
        all.putAll(headers);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Future<ReceiverExchange.Response> exchange = executor.submit(() -> ReceiverExchange.post(
                guard.resolve(uri.getHost()), uri, all, bytes, timeout, SNIPPET_BYTES, tlsSockets));
        try {
            ReceiverExchange.Response response = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            Duration latency = Duration.ofNanos(System.nanoTime() - started);
            int status = response.status();
            if (status >= 200 && status < 300) {
                return new Result(DELIVERED, status, latency, null);
            }
            String snippet = response.snippet().isBlank() ? "" : ": " + response.snippet();
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
            if (cause instanceof SocketTimeoutException) {
                return timedOut(started);
            }
            if (cause instanceof ReceiverGuard.RefusedAddressException) {
                return new Result(FAILED, null, latency, cause.getMessage());
            }
            if (cause instanceof UnknownHostException) {
                return new Result(FAILED, null, latency, "cannot resolve the receiver's host");
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
        // Interrupts the exchanges in flight, which closes their sockets; they are made again anyway.
        executor.shutdownNow();
    }
}
