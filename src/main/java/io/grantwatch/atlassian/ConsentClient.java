package io.grantwatch.atlassian;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The calls of the consent flow: the authorization code exchange and {@code GET /me}. Like
 * {@link AtlassianClient}, no message it makes holds a token, code or secret, and network trouble
 * comes back as a result, not an exception. Thread-safe.
 */
public final class ConsentClient implements AutoCloseable {
    private static final String JSON = "application/json";
    // Atlassian account ids are short printable ids (557058:3f..., or a 24-hex legacy id).
    private static final Pattern ACCOUNT_ID = Pattern.compile("[A-Za-z0-9:_-]{1,128}");

    private final URI tokenUri;
    private final URI meUri;
    private final Duration requestTimeout;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;
    private final Clock clock;

    public ConsentClient(URI apiBaseUrl, URI authBaseUrl, Duration requestTimeout, Clock clock) {
        this.clock = clock;
        this.tokenUri = under(authBaseUrl, "/oauth/token");
        this.meUri = under(apiBaseUrl, "/me");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout)
                .executor(executor)
                .build();
    }

    /** What {@code GET /me} told: the account id, or why there is none. */
    public sealed interface Account {
        record Known(String accountId) implements Account {}

        record Failed(String detail) implements Account {}
    }

    /** {@code grant_type=authorization_code}: a code the user's browser brought back becomes tokens. */
    public RefreshResult exchange(String clientId, String clientSecret, String code, URI redirectUri) {
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("grant_type", "authorization_code")
                .put("client_id", clientId)
                .put("client_secret", clientSecret)
                .put("code", code)
                .put("redirect_uri", redirectUri.toString());
        HttpRequest request = HttpRequest.newBuilder(tokenUri)
                .timeout(requestTimeout)
                .header("Content-Type", JSON)
                .header("Accept", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, LimitedBody.handler(AtlassianClient.MAX_BODY_BYTES));
            return Classifier.refresh(response.statusCode(), response.headers().map(), response.body(), clock.instant());
        } catch (IOException e) {
            return new RefreshResult.Transient("connection_failed", "no answer from the token endpoint ("
                    + e.getClass().getSimpleName() + ")", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RefreshResult.Transient("interrupted", "interrupted while calling the token endpoint", null);
        }
    }

    /** {@code GET {api}/me} with the new access token (it needs the scope {@code read:me}). */
    public Account account(String accessToken) {
        HttpRequest request = HttpRequest.newBuilder(meUri)
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + accessToken)
                .header("Accept", JSON)
                .GET()
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, LimitedBody.handler(AtlassianClient.MAX_BODY_BYTES));
            if (response.statusCode() != 200) {
                return new Account.Failed("HTTP " + response.statusCode() + " from /me");
            }
            JsonNode me = Json.MAPPER.readTree(response.body());
            JsonNode id = me == null ? null : me.get("account_id");
            if (id == null || !id.isTextual() || !ACCOUNT_ID.matcher(id.textValue()).matches()) {
                return new Account.Failed("/me answered without a usable account_id");
            }
            return new Account.Known(id.textValue());
        } catch (IOException e) {
            return new Account.Failed("no answer from /me (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Account.Failed("interrupted while calling /me");
        }
    }

    private static URI under(URI base, String path) {
        String text = base.toString();
        return URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + path);
    }

    @Override
    public void close() {
        http.close();
        executor.close();
    }
}
