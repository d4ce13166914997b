package io.grantwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grantwatch.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A webhook receiver on loopback (the JDK's HttpServer) that records every request and answers
 * as told by {@link #behave}: any status, after any delay. Thread-safe.
 */
public final class Receiver implements AutoCloseable {
    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private volatile Function<Request, Answer> behaviour = request -> Answer.OK;

    /** One request as received; header names in lower case. */
    public record Request(Instant receivedAt, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public long eventId() {
            return Long.parseLong(json().get("id").asText());
        }
    }

    public record Answer(int status, Duration delay) {
        public static final Answer OK = new Answer(204, Duration.ZERO);

        public static Answer status(int status) {
            return new Answer(status, Duration.ZERO);
        }

        public static Answer after(Duration delay) {
            return new Answer(204, delay);
        }
    }

    private Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public static Receiver start() {
        try {
            return new Receiver();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public void behave(Function<Request, Answer> behaviour) {
        this.behaviour = behaviour;
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request request = new Request(Instant.now(), headers, body);
        synchronized (this) {
            requests.add(request);
        }
        Answer answer = behaviour.apply(request);
        try {
            if (!answer.delay().isZero()) {
                Thread.sleep(answer.delay());
            }
            byte[] reply = answer.status() == 204 ? new byte[0] : ("answer " + answer.status()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), answer.status() == 204 ? -1 : reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException gone) {
            // the sender gave up (timeout): nothing was accepted
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
