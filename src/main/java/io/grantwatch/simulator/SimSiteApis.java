package io.grantwatch.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The site APIs of the simulated Atlassian, {@code {api}/ex/{product}/{cloudId}/...}, for the proxy's
 * tests and benchmark. Like Atlassian, a token it does not know (or an expired or revoked one) gets
 * {@code 401 Unauthorized}, and a valid token on a site or API its grant does not cover gets {@code 401
 * "Unauthorized; scope does not match"}: only accessible-resources tells the two apart.
 *
 * <ul>
 *   <li>{@code GET /ex/jira/{cloudId}/rest/api/3/myself} (scope {@code read:jira-user}): the account.
 *   <li>{@code ANY /ex/{product}/{cloudId}/sim/echo/...}: the request as it arrived, as JSON (method, raw
 *       path and query, headers, body length, SHA-256 and text), never the token itself: the
 *       {@code Authorization} header is shown as the grant it belongs to. {@code ?status=N} picks the status
 *       (a 3xx one comes with a {@code Location} elsewhere), {@code ?delayMs=N} delays the answer.
 *   <li>{@code GET /ex/confluence/{cloudId}/wiki/download/attachments/{page}/{file}?bytes=N} (scope
 *       {@code read:confluence-content.all}): N bytes (default 10 MiB) of {@link #contentByte}, streamed.
 *   <li>{@code GET /ex/jira/{cloudId}/rest/api/3/sim/rate-limited}: {@code 429} with Atlassian's
 *       rate-limit headers.
 * </ul>
 * Thread-safe; nothing here is kept per request.
 */
public final class SimSiteApis {
    public static final long DEFAULT_DOWNLOAD_BYTES = 10L * 1024 * 1024;
    /** The most of an echoed body shown as text; longer bodies are only counted and hashed. */
    public static final int ECHO_TEXT_LIMIT = 64 * 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String JSON = "application/json";
    private static final byte[] UNAUTHORIZED = utf8("{\"code\":401,\"message\":\"Unauthorized\"}");
    private static final byte[] SCOPE_MISMATCH = utf8("{\"code\":401,\"message\":\"Unauthorized; scope does not match\"}");
    private static final byte[] NOT_FOUND = utf8("{\"code\":404,\"message\":\"Not Found\"}");
    private static final byte[] TOO_MANY_REQUESTS = utf8("{\"code\":429,\"message\":\"Too Many Requests\"}");

    private final AtlassianSimulator simulator;
    private final LongAdder requests = new LongAdder();
    private final LongAdder downloadBytes = new LongAdder();
    private volatile Duration rateLimitRetryAfter = Duration.ofSeconds(7);
    private volatile Duration latency = Duration.ZERO;

    SimSiteApis(AtlassianSimulator simulator) {
        this.simulator = simulator;
    }

    /** Every request under {@code /ex/}, refused ones included. */
    public long requestCount() {
        return requests.sum();
    }

    /** Bytes of downloads written so far (each write returns once the connection took it). */
    public long downloadBytesWritten() {
        return downloadBytes.sum();
    }

    /** How long every site API answer takes (none by default), as a real site's would. */
    public void setLatency(Duration latency) {
        this.latency = latency;
    }

    public void setRateLimitRetryAfter(Duration retryAfter) {
        rateLimitRetryAfter = retryAfter;
    }

    /** Byte {@code index} of every simulated download: a pattern that does not repeat every few KiB. */
    public static int contentByte(long index) {
        return (int) ((index * 31 + (index >>> 10) * 7 + (index >>> 20)) & 0xff);
    }

    void handle(Request request, Response response) throws IOException {
        requests.increment();
        Duration delay = latency;
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // Decoded path: /ex/{product}/{cloudId}/{rest}
        String[] parts = String.valueOf(request.getHttpURI().getDecodedPath()).split("/", 5);
        if (parts.length < 5) {
            send(response, 404, NOT_FOUND);
            return;
        }
        String product = parts[2];
        String cloudId = parts[3];
        String rest = parts[4];
        String token = AtlassianSimulator.bearerToken(request);
        SimGrant grant = token == null ? null : simulator.grantByToken(token);
        if (grant == null || !grant.accepts(token, simulator.now())) {
            send(response, 401, UNAUTHORIZED);
            return;
        }
        if (product.equals("jira") && rest.equals("rest/api/3/myself")) {
            if (covers(grant, cloudId, product, "read:jira-user")) {
                myself(response, grant);
            } else {
                send(response, 401, SCOPE_MISMATCH);
            }
        } else if (rest.equals("sim/echo") || rest.startsWith("sim/echo/")) {
            if (covers(grant, cloudId, product, null)) {
                echo(request, response, grant);
            } else {
                drain(request);
                send(response, 401, SCOPE_MISMATCH);
            }
        } else if (product.equals("confluence") && rest.startsWith("wiki/download/attachments/")) {
            if (covers(grant, cloudId, product, "read:confluence-content.all")) {
                download(request, response);
            } else {
                send(response, 401, SCOPE_MISMATCH);
            }
        } else if (product.equals("jira") && rest.equals("rest/api/3/sim/rate-limited")) {
            rateLimited(response);
        } else {
            send(response, 404, NOT_FOUND);
        }
    }

    /** The grant reaches the site with a scope of the product, and with {@code scope} when one is named. */
    private static boolean covers(SimGrant grant, String cloudId, String product, String scope) {
        return grant.sites().stream()
                .filter(site -> site.cloudId().equals(cloudId))
                .anyMatch(site -> site.scopes().stream().anyMatch(s -> productOf(s).equals(product))
                        && (scope == null || site.scopes().contains(scope)));
    }

    private static String productOf(String scope) {
        return scope.contains("confluence") ? "confluence" : "jira";
    }

    private void myself(Response response, SimGrant grant) throws IOException {
        ObjectNode body = MAPPER.createObjectNode()
                .put("accountId", "sim-account-" + grant.id())
                .put("accountType", "atlassian")
                .put("displayName", "User of " + grant.id())
                .put("active", true)
                .put("timeZone", "Etc/UTC");
        send(response, 200, MAPPER.writeValueAsBytes(body));
    }

    private void echo(Request request, Response response, SimGrant grant) throws IOException {
        String delay = queryParameter(request, "delayMs");
        if (delay != null && delay.matches("[0-9]{1,6}")) {
            try {
                Thread.sleep(Long.parseLong(delay));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        ObjectNode body = MAPPER.createObjectNode()
                .put("method", request.getMethod())
                .put("path", request.getHttpURI().getPath())
                .put("query", request.getHttpURI().getQuery());
        ObjectNode headers = body.putObject("headers");
        for (String name : Collections.list(request.getHeaderNames())) {
            ArrayNode values = headers.putArray(name.toLowerCase(Locale.ROOT));
            for (String value : Collections.list(request.getHeaders(name))) {
                // The answer goes back through the proxy to its caller: say whose token it was, never the token.
                values.add(name.equalsIgnoreCase("Authorization") ? "Bearer <access token of " + grant.id() + ">" : value);
            }
        }
        MessageDigest sha256 = sha256();
        byte[] buffer = new byte[64 * 1024];
        byte[] text = new byte[ECHO_TEXT_LIMIT];
        long length = 0;
        try (InputStream in = request.getInputStream()) {
            for (int read; (read = in.read(buffer)) >= 0; ) {
                sha256.update(buffer, 0, read);
                if (length < ECHO_TEXT_LIMIT) {
                    System.arraycopy(buffer, 0, text, (int) length, (int) Math.min(read, ECHO_TEXT_LIMIT - length));
                }
                length += read;
            }
        }
        body.put("bodyLength", length);
        body.put("bodySha256", HexFormat.of().formatHex(sha256.digest()));
        body.put("body", length <= ECHO_TEXT_LIMIT ? new String(text, 0, (int) length, StandardCharsets.UTF_8) : null);
        int status = 200;
        String asked = queryParameter(request, "status");
        if (asked != null && asked.matches("[1-5][0-9][0-9]")) {
            status = Integer.parseInt(asked);
        }
        if (status / 100 == 3) {
            response.setHeader("Location", "http://127.0.0.1:9/elsewhere");
        }
        response.setHeader("ETag", "\"" + body.get("bodySha256").asText().substring(0, 16) + "\"");
        response.setHeader("X-Sim-Echo", "yes");
        response.addHeader("X-Sim-Multi", "one");
        response.addHeader("X-Sim-Multi", "two");
        // Hop-by-hop: a proxy must not pass these on.
        response.setHeader("Keep-Alive", "timeout=30");
        response.setHeader("Proxy-Authenticate", "Basic realm=\"sim\"");
        send(response, status, MAPPER.writeValueAsBytes(body));
    }

    private void download(Request request, Response response) throws IOException {
        long size = DEFAULT_DOWNLOAD_BYTES;
        String asked = queryParameter(request, "bytes");
        if (asked != null && asked.matches("[0-9]{1,12}")) {
            size = Long.parseLong(asked);
        }
        response.setStatus(200);
        response.getHttpFields().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        response.setContentLengthLong(size);
        byte[] chunk = new byte[64 * 1024];
        OutputStream out = response.getOutputStream();
        for (long written = 0; written < size; ) {
            int length = (int) Math.min(chunk.length, size - written);
            for (int i = 0; i < length; i++) {
                chunk[i] = (byte) contentByte(written + i);
            }
            out.write(chunk, 0, length);
            written += length;
            downloadBytes.add(length);
        }
    }

    private void rateLimited(Response response) throws IOException {
        Duration wait = rateLimitRetryAfter;
        response.setHeader("Retry-After", Long.toString(wait.toSeconds()));
        response.setHeader("X-RateLimit-Limit", "100");
        response.setHeader("X-RateLimit-Remaining", "0");
        response.setHeader("X-RateLimit-Reset", simulator.now().plus(wait).toString());
        response.setHeader("RateLimit-Reason", "jira-burst-based");
        send(response, 429, TOO_MANY_REQUESTS);
    }

    /** From the query string alone: getParameter would read a form body, which the echo must see as sent. */
    private static String queryParameter(Request request, String name) {
        String query = request.getHttpURI().getQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** Reads a body nobody will look at, so that the client's upload completes before the answer. */
    private static void drain(Request request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void send(Response response, int status, byte[] body) throws IOException {
        AtlassianSimulator.send(response, status, JSON, body);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
