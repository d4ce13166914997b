package io.grantwatch.net;

import java.time.Duration;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.http.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.HttpCookieStore;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's HTTP client as each of grantwatch's outgoing calls wants it (Atlassian, site APIs, webhook
 * receivers): its own daemon threads under one name, no redirects followed, no cookies kept, no
 * User-Agent of its own, and, once started, no protocol handlers (a 3xx, 401 or 407 is the answer, not
 * something to act on) and no content decoding (a body is passed on or parsed as it came).
 */
public final class JettyClients {
    private static final Logger log = LoggerFactory.getLogger(JettyClients.class);

    private JettyClients() {}

    /** A client not yet started, for the caller's own settings (a resolver, connection limits) before {@link #start}. */
    public static HttpClient create(String threadName, ClientConnector connector, Duration connectTimeout, Duration idleTimeout) {
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName(threadName);
        threads.setDaemon(true);
        client.setExecutor(threads);
        client.setName(threadName);
        client.setFollowRedirects(false);
        client.setCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        client.setConnectTimeout(Math.max(1, connectTimeout.toMillis()));
        client.setIdleTimeout(idleTimeout.toMillis());
        return client;
    }

    /**
     * Starts the client and takes out the protocol handlers and content decoders that starting adds;
     * a client that does not start is stopped again and {@code what} named in the exception.
     */
    public static HttpClient start(HttpClient client, String what) {
        try {
            client.start();
        } catch (Exception e) {
            stop(client);
            throw new IllegalStateException("cannot start " + what, e);
        }
        client.getProtocolHandlers().clear();
        client.getContentDecoderFactories().clear();
        return client;
    }

    /** Stops the client, its connections and threads; a failure to stop is logged, not thrown (its threads are daemons). */
    public static void stop(HttpClient client) {
        try {
            client.stop();
        } catch (Exception e) {
            log.warn("Stopping the HTTP client {} failed: {}", client.getName(), e.getClass().getName());
        }
    }
}
