package io.grantwatch.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The simulated Atlassian's side of the OAuth 2.0 (3LO) consent flow: {@code GET /authorize} (the
 * consent screen, decided by a {@link SimConsent} a test scripted), the {@code authorization_code}
 * grant of the token endpoint (codes are single-use and short-lived), and {@code GET /me}. As at
 * Atlassian, an account has one grant for the app: consenting again adds the picked sites to it and
 * replaces its scopes. Thread-safe.
 */
final class ConsentFlow {
    static final String AUDIENCE = "api.atlassian.com";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HTML = "text/html; charset=utf-8";
    private static final String JSON = "application/json";

    private final AtlassianSimulator simulator;
    private final Queue<SimConsent> nextConsents = new ConcurrentLinkedQueue<>();
    private final Map<String, SimGrant> grantsByAccount = new ConcurrentHashMap<>();
    private final Map<String, IssuedCode> codes = new ConcurrentHashMap<>();
    private final Set<String> redirectUris = ConcurrentHashMap.newKeySet();
    private final LongAdder exchanges = new LongAdder();
    private volatile Duration codeLifetime = Duration.ofMinutes(5);
    private volatile Map<String, String> lastAuthorizeParameters = Map.of();

    private record IssuedCode(SimGrant grant, String redirectUri, List<String> scopes, Instant expiresAt, AtomicBoolean used) {}

    ConsentFlow(AtlassianSimulator simulator) {
        this.simulator = simulator;
    }

    void script(SimConsent consent) {
        nextConsents.add(consent);
    }

    Optional<SimGrant> grantOf(String accountId) {
        return Optional.ofNullable(grantsByAccount.get(accountId));
    }

    void registerRedirectUri(String uri) {
        redirectUris.add(uri);
    }

    void setCodeLifetime(Duration lifetime) {
        codeLifetime = lifetime;
    }

    Map<String, String> lastAuthorizeParameters() {
        return lastAuthorizeParameters;
    }

    long exchanges() {
        return exchanges.sum();
    }

    /** The consent screen: answers with a redirect to {@code redirect_uri}, or a 400 page where Atlassian shows one. */
    void authorize(Request request, Response response) throws IOException {
        Map<String, String> parameters = query(request.getHttpURI().getQuery());
        lastAuthorizeParameters = Map.copyOf(parameters);
        String redirectUri = parameters.get("redirect_uri");
        if (!simulator.clientId().equals(parameters.get("client_id"))) {
            page(response, "Invalid client_id: no such app.");
            return;
        }
        if (redirectUri == null || !(redirectUri.startsWith("http://") || redirectUri.startsWith("https://"))
                || (!redirectUris.isEmpty() && !redirectUris.contains(redirectUri))) {
            page(response, "The redirect_uri is not a callback URL registered for this app.");
            return;
        }
        if (!AUDIENCE.equals(parameters.get("audience")) || !"code".equals(parameters.get("response_type"))
                || parameters.getOrDefault("scope", "").isBlank() || parameters.getOrDefault("state", "").isEmpty()) {
            page(response, "Invalid request: audience, response_type=code, scope and state are required.");
            return;
        }
        SimConsent consent = nextConsents.poll();
        if (consent == null) {
            page(response, "Nobody is at the consent screen: the test scripted no consent.");
            return;
        }
        Map<String, String> back = new LinkedHashMap<>();
        if (consent.declined()) {
            back.put("error", "access_denied");
            back.put("error_description", "User did not authorize the request");
        } else {
            List<String> scopes = Arrays.stream(parameters.get("scope").trim().split("\\s+")).distinct().toList();
            SimGrant grant = grantsByAccount.computeIfAbsent(consent.accountId(), account -> simulator.newGrant());
            grant.consented(consent.accountId(), scopes, consent.sites());
            String code = "sim-code-" + random();
            codes.put(code, new IssuedCode(grant, redirectUri, scopes, simulator.now().plus(codeLifetime), new AtomicBoolean()));
            back.put("code", code);
        }
        back.put("state", parameters.get("state"));
        response.setHeader("Location", withParameters(redirectUri, back));
        AtlassianSimulator.send(response, 302, HTML, new byte[0]);
    }

    /** {@code grant_type=authorization_code}, the client already authenticated: new tokens for the code's grant. */
    void exchange(JsonNode body, Response response) throws IOException {
        if (!body.path("code").isTextual() || !body.path("redirect_uri").isTextual()) {
            AtlassianSimulator.sendError(response, 400, "invalid_request", "code and redirect_uri are required.");
            return;
        }
        IssuedCode issued = codes.get(body.path("code").textValue());
        if (issued == null || !simulator.now().isBefore(issued.expiresAt())
                || !issued.redirectUri().equals(body.path("redirect_uri").textValue())
                || !issued.used().compareAndSet(false, true)) {
            AtlassianSimulator.sendError(response, 403, "invalid_grant", "Invalid authorization code");
            return;
        }
        exchanges.increment();
        SimGrant.Issued tokens = issued.grant().consentAgainWithScopes(issued.scopes());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", tokens.accessToken());
        if (issued.scopes().contains("offline_access")) {
            answer.put("refresh_token", tokens.refreshToken());
        }
        answer.put("expires_in", tokens.expiresIn().toSeconds());
        answer.put("scope", tokens.scope());
        answer.put("token_type", "Bearer");
        AtlassianSimulator.send(response, 200, JSON, MAPPER.writeValueAsBytes(answer));
    }

    /** {@code GET /me}: the account of the token's grant, when its scopes include {@code read:me}. */
    void me(SimGrant grant, Response response) throws IOException {
        if (!grant.grantedScopes().contains("read:me") || grant.accountId() == null) {
            AtlassianSimulator.send(response, 401, JSON,
                    "{\"code\":401,\"message\":\"Unauthorized; scope does not match\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("account_type", "atlassian");
        me.put("account_id", grant.accountId());
        me.put("email", grant.accountId() + "@example.com");
        me.put("name", "User " + grant.accountId());
        me.put("account_status", "active");
        AtlassianSimulator.send(response, 200, JSON, MAPPER.writeValueAsBytes(me));
    }

    private static void page(Response response, String message) throws IOException {
        String html = "<!doctype html><title>Atlassian</title><h1>Something went wrong</h1><p>" + message + "</p>";
        AtlassianSimulator.send(response, 400, HTML, html.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> query(String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.putIfAbsent(name, value);
        }
        return parameters;
    }

    private static String withParameters(String uri, Map<String, String> parameters) {
        StringBuilder url = new StringBuilder(uri).append(uri.contains("?") ? '&' : '?');
        parameters.forEach((name, value) -> url.append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)).append('&'));
        url.setLength(url.length() - 1);
        return url.toString();
    }

    private static String random() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
