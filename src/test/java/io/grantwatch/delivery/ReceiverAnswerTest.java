package io.grantwatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What the sender does with a receiver's answer, on a bare socket so that the answer can be anything:
 * only the status and the first bytes are kept however much follows, a trickle is cut at the request
 * timeout, a redirect and a cookie are not followed, and the request carries our headers and no others.
 */
class ReceiverAnswerTest {
    private static final ReceiverGuard LOOPBACK = new ReceiverGuard(true);

    /** Writes the answer to one request, whose head (request line and fields, lower-cased names) it is given. */
    @FunctionalInterface
    interface Script {
        void answer(String head, OutputStream out) throws IOException, InterruptedException;
    }

    /** A one-script HTTP/1.1 server on loopback that records the head of every request. */
    static final class RawReceiver implements AutoCloseable {
        final ServerSocket server;
        final List<String> heads = new CopyOnWriteArrayList<>();
        final Thread acceptor;

        RawReceiver(Script script) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        Thread.ofVirtual().start(() -> serve(socket, script));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket socket, Script script) {
            try (socket) {
                InputStream in = socket.getInputStream();
                while (true) {
                    String head = head(in);
                    if (head == null) {
                        return;
                    }
                    heads.add(head);
                    in.readNBytes(contentLength(head));
                    script.answer(head, socket.getOutputStream());
                    socket.getOutputStream().flush();
                }
            } catch (IOException | InterruptedException e) {
                // The sender went away; that is what some tests want.
            }
        }

        private static String head(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            for (int b = in.read(); b >= 0; b = in.read()) {
                head.write(b);
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                if (matched == 4) {
                    return head.toString(StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        private static int contentLength(String head) {
            return head.lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                    .map(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).trim())).findFirst().orElse(0);
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void aHugeAnswerKeepsOnlyItsStatusAndFirstBytes() throws Exception {
        byte[] megabyte = "x".repeat(1024 * 1024).getBytes(StandardCharsets.ISO_8859_1);
        try (RawReceiver receiver = new RawReceiver((head, out) -> {
            write(out, "HTTP/1.1 500 Server Error\r\nContent-Type: text/plain\r\n\r\nrefused because ");
            for (int i = 0; i < 1024; i++) { // a gigabyte, until the sender hangs up
                out.write(megabyte);
            }
        }); WebhookSender sender = new WebhookSender(Duration.ofSeconds(5), LOOPBACK)) {
            long started = System.nanoTime();
            WebhookSender.Result result = sender.post(receiver.url(), "application/json", "{}", Map.of());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
            assertThat(result.outcome()).isEqualTo(WebhookSender.FAILED);
            assertThat(result.statusCode()).isEqualTo(500);
            assertThat(result.error()).isEqualTo("HTTP 500: refused because " + "x".repeat(200 - "refused because ".length()));
        }
    }

    @Test
    void anAnswerThatTricklesIsCutAtTheRequestTimeout() throws Exception {
        // The receiver keeps sending a byte every 100 ms (so no read ever idles out) until the test has
        // its result: only the whole-exchange timeout can end the wait.
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try (RawReceiver receiver = new RawReceiver((head, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
            do {
                write(out, "x");
            } while (!done.await(100, java.util.concurrent.TimeUnit.MILLISECONDS));
        }); WebhookSender sender = new WebhookSender(Duration.ofMillis(700), LOOPBACK)) {
            long started = System.nanoTime();
            WebhookSender.Result result = sender.post(receiver.url(), "application/json", "{}", Map.of());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            assertThat(result.outcome()).isEqualTo(WebhookSender.TIMEOUT);
            assertThat(result.error()).isEqualTo("no answer within PT0.7S");
        } finally {
            done.countDown();
        }
    }

    @Test
    void aRedirectIsTheReceiversAnswerAndIsNotFollowed() throws Exception {
        try (RawReceiver receiver = new RawReceiver((head, out) -> write(out,
                "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n"))) {
            try (WebhookSender sender = new WebhookSender(Duration.ofSeconds(2), LOOPBACK)) {
                WebhookSender.Result result = sender.post(receiver.url(), "application/json", "{}", Map.of());
                assertThat(result.outcome()).isEqualTo(WebhookSender.FAILED);
                assertThat(result.statusCode()).isEqualTo(302);
                assertThat(result.error()).isEqualTo("HTTP 302");
            }
            assertThat(receiver.heads).hasSize(1).allMatch(head -> head.startsWith("POST /hook HTTP/1.1\r\n"));
        }
    }

    @Test
    void theRequestCarriesOurHeadersOnlyAndNoCookieComesBack() throws Exception {
        try (RawReceiver receiver = new RawReceiver((head, out) -> write(out,
                "HTTP/1.1 204 No Content\r\nSet-Cookie: session=abc; Path=/\r\n\r\n"));
                WebhookSender sender = new WebhookSender(Duration.ofSeconds(2), LOOPBACK)) {
            for (int i = 0; i < 2; i++) {
                WebhookSender.Result result = sender.post(receiver.url() + "?n=" + i, "application/json", "{\"a\":1}",
                        Map.of("webhook-id", "msg_" + i));
                assertThat(result.outcome()).isEqualTo(WebhookSender.DELIVERED);
            }
            assertThat(receiver.heads).hasSize(2);
            String second = receiver.heads.get(1);
            assertThat(second).startsWith("POST /hook?n=1 HTTP/1.1\r\n");
            Set<String> names = second.lines().skip(1).filter(line -> !line.isEmpty())
                    .map(line -> line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
            assertThat(names).containsExactlyInAnyOrder("host", "content-type", "content-length", "user-agent", "webhook-id");
            assertThat(second).contains("User-Agent: grantwatch-webhooks\r\n", "Content-Type: application/json\r\n",
                    "Content-Length: 7\r\n", "webhook-id: msg_1\r\n");
        }
    }

    @Test
    void closingTheSenderStopsTheClientsThreads() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (RawReceiver receiver = new RawReceiver((head, out) -> write(out, "HTTP/1.1 204 No Content\r\n\r\n"))) {
            WebhookSender sender = new WebhookSender(Duration.ofSeconds(2), LOOPBACK);
            assertThat(sender.post(receiver.url(), "application/json", "{}", Map.of()).delivered()).isTrue();
            assertThat(clientThreads(before)).isNotEmpty();
            sender.close();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(clientThreads(before)).isEmpty());
    }

    private static List<String> clientThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> !before.contains(thread))
                .map(Thread::getName).filter(name -> name.startsWith("webhook-client")).toList();
    }
}
