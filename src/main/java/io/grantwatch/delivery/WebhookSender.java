package io.grantwatch.delivery;

import io.grantwatch.net.JettyClients;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.ContinueProtocolHandler;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.Request;
import org.eclipse.jetty.client.api.Response;
import org.eclipse.jetty.client.util.BytesRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * POSTs one request to a receiver, and always answers with a {@link Result}: the whole exchange,
 * name resolution and body included, is bounded by the request timeout, so a receiver that trickles
 * its answer cannot hold a worker. Only the status and the first {@value #SNIPPET_BYTES} bytes of the
 * answer are kept. Redirects are not followed, cookies are not kept, and nothing is decompressed.
 * Connections are kept alive and reused; each new one goes to an address {@link ReceiverGuard} has
 * just checked.
 * Messages never repeat the url (it may be a credential). Thread-safe: one started Jetty
 * {@link HttpClient}, whose threads are named {@code webhook-client}, stopped by {@link #close()}.
 */
final class WebhookSender implements AutoCloseable {
    /** How much of a receiver's answer the delivery log keeps, to tell operators why it refused. */
    private static final int SNIPPET_BYTES = 200;
    private static final String THREADS = "webhook-client";

    private final Duration timeout;
    private final ReceiverGuard guard;
    private final HttpClient client;

    WebhookSender(Duration timeout, ReceiverGuard guard) {
        this(timeout, guard, defaultTls());
    }

    /** @param tls the JVM's default in the daemon; tests trust a certificate of their own */
    WebhookSender(Duration timeout, ReceiverGuard guard, SSLContext tls) {
        this.timeout = timeout;
        this.guard = guard;
        SslContextFactory.Client tlsFactory = new SslContextFactory.Client();
        tlsFactory.setSslContext(tls);
        // Jetty 11's default too: the certificate must name the url's host, which is also sent as SNI.
        tlsFactory.setEndpointIdentificationAlgorithm("HTTPS");
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tlsFactory);
        client = JettyClients.create(THREADS, connector, timeout, Duration.ofSeconds(30));
        // Resolving here rather than in the client library is what defeats DNS rebinding: the client
        // connects only to the addresses ReceiverGuard has just checked, never to a second lookup's
        // answer, so a name that changes its answer cannot reach a metadata or private address.
        client.setSocketAddressResolver(checkedResolver());
        // A receiver's 3xx, 401 or 101 is its answer, and its body is not decompressed; an expected 100 is waited for.
        JettyClients.start(client, "the webhook HTTP client");
        client.getProtocolHandlers().put(new ContinueProtocolHandler());
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }

    /**
     * Resolves and checks the host on the client's threads (a slow name server holds no caller, and
     * the request timeout still bounds the wait); hands on only the checked addresses, each carrying
     * the url's host name so that TLS verifies the certificate against it.
     */
    private SocketAddressResolver checkedResolver() {
        return (host, port, promise) -> {
            try {
                client.getExecutor().execute(() -> resolve(host, port, promise));
            } catch (RuntimeException e) {
                promise.failed(e);
            }
        };
    }

    private void resolve(String host, int port, Promise<List<InetSocketAddress>> promise) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        List<InetSocketAddress> checked = new ArrayList<>();
        try {
            for (InetAddress address : guard.resolve(host)) {
                checked.add(new InetSocketAddress(named(bare, address), port));
            }
        } catch (Throwable e) {
            promise.failed(e);
            return;
        }
        promise.succeeded(checked);
    }

    /** The same address, named as the url names its host (Jetty's TLS takes the peer's name from it). */
    private static InetAddress named(String host, InetAddress address) throws UnknownHostException {
        if (address instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            return Inet6Address.getByAddress(host, v6.getAddress(), v6.getScopeId());
        }
        return InetAddress.getByAddress(host, address.getAddress());
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
        Request request;
        try {
            request = client.newRequest(uri)
                    .method(HttpMethod.POST)
                    .timeout(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)
                    .headers(fields -> all.forEach(fields::put))
                    .body(new BytesRequestContent(contentType, bytes));
        } catch (IllegalArgumentException e) {
            return new Result(FAILED, null, Duration.ZERO, "the request cannot be made for this url");
        }
        Answer answer = new Answer(SNIPPET_BYTES);
        request.send(answer);
        try {
            Answer.Received received = answer.done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            Duration latency = Duration.ofNanos(System.nanoTime() - started);
            int status = received.status();
            if (status >= 200 && status < 300) {
                return new Result(DELIVERED, status, latency, null);
            }
            String snippet = received.snippet().isBlank() ? "" : ": " + received.snippet();
            return new Result(FAILED, status, latency, "HTTP " + status + snippet);
        } catch (TimeoutException e) {
            request.abort(e);
            return timedOut(started);
        } catch (InterruptedException e) {
            request.abort(e);
            throw e;
        } catch (ExecutionException e) {
            return failed(e.getCause(), started);
        }
    }

    private Result failed(Throwable failure, long started) {
        Duration latency = Duration.ofNanos(System.nanoTime() - started);
        // Jetty may wrap what went wrong; the guard's refusal and a time-out are found wherever they are.
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ReceiverGuard.RefusedAddressException) {
                return new Result(FAILED, null, latency, t.getMessage());
            }
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return timedOut(started);
            }
        }
        Throwable cause = failure;
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

    private Result timedOut(long started) {
        return new Result(TIMEOUT, null, Duration.ofNanos(System.nanoTime() - started), "no answer within " + timeout);
    }

    /**
     * Keeps the status and the first bytes of the body, and discards the rest: done as soon as the
     * answer is complete or the snippet is full, when the rest of the answer is aborted.
     */
    private static final class Answer implements Response.Listener {
        record Received(int status, String snippet) {}

        final CompletableFuture<Received> done = new CompletableFuture<>();
        private final byte[] kept;
        private int size;

        Answer(int snippetBytes) {
            kept = new byte[snippetBytes];
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            if (done.isDone()) {
                return;
            }
            int take = Math.min(kept.length - size, content.remaining());
            content.get(kept, size, take);
            size += take;
            if (size == kept.length) {
                done.complete(received(response));
                response.abort(new IOException("the rest of the answer is not read"));
            }
        }

        @Override
        public void onComplete(org.eclipse.jetty.client.api.Result result) {
            if (result.isFailed()) {
                done.completeExceptionally(result.getFailure());
            } else {
                done.complete(received(result.getResponse()));
            }
        }

        private Received received(Response response) {
            String text = new String(kept, 0, size, StandardCharsets.UTF_8);
            return new Received(response.getStatus(), text.replaceAll("[^\\x20-\\x7E]", " ").strip());
        }
    }

    @Override
    public void close() {
        // Aborts the exchanges in flight and stops the client's threads; the attempts are made again anyway.
        JettyClients.stop(client);
    }
}
