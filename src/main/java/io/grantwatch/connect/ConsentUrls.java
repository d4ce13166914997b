package io.grantwatch.connect;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pure parts of the consent flow: states and their hashes, the scopes a consent asks for, the
 * authorization URL, return URLs and the redirects back to them. No I/O. Thread-safe.
 */
public final class ConsentUrls {
    public static final String OFFLINE_ACCESS = "offline_access";
    static final int MAX_RETURN_URL = 2000;
    private static final SecureRandom RANDOM = new SecureRandom();
    // OAuth 2.0 scope-token: printable ASCII but space, " and \.
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,200}");
    private static final int MAX_SCOPES = 100;

    private ConsentUrls() {}

    /** 256 random bits, URL-safe: the state of one connect attempt. */
    public static String newState() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** SHA-256 (hex) of the state: the state is a bearer secret, and only this is stored. */
    public static String hash(String state) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(state.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * The scopes to ask for: each entry may hold several, separated by spaces; duplicates go,
     * {@code offline_access} is added. Empty when nothing but offline_access would be asked for.
     */
    public static Optional<List<String>> scopes(List<String> given) {
        Set<String> scopes = new LinkedHashSet<>();
        for (String entry : given) {
            for (String scope : entry.trim().split("\\s+")) {
                if (scope.isEmpty()) {
                    continue;
                }
                if (!SCOPE.matcher(scope).matches()) {
                    throw new IllegalArgumentException("a scope holds characters OAuth does not allow");
                }
                scopes.add(scope);
            }
        }
        if (scopes.isEmpty() || scopes.equals(Set.of(OFFLINE_ACCESS))) {
            return Optional.empty();
        }
        if (scopes.size() > MAX_SCOPES) {
            throw new IllegalArgumentException("more than " + MAX_SCOPES + " scopes");
        }
        scopes.add(OFFLINE_ACCESS);
        return Optional.of(List.copyOf(scopes));
    }

    /** {@code {authBaseUrl}/authorize?audience=api.atlassian.com&client_id&scope&redirect_uri&state&response_type=code&prompt=consent}. */
    public static String authorizeUrl(URI authBaseUrl, String clientId, List<String> scopes, URI redirectUri, String state) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("audience", "api.atlassian.com");
        parameters.put("client_id", clientId);
        parameters.put("scope", String.join(" ", scopes));
        parameters.put("redirect_uri", redirectUri.toString());
        parameters.put("state", state);
        parameters.put("response_type", "code");
        parameters.put("prompt", "consent");
        String base = authBaseUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/authorize?" + query(parameters);
    }

    /** An absolute http(s) URL without a fragment, or empty. */
    public static Optional<URI> returnUrl(String text) {
        if (text == null || text.isBlank() || text.length() > MAX_RETURN_URL) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawFragment() != null) {
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** The return URL with grantId, status=connected and newSites (comma-separated cloudIds). */
    public static String connected(String returnUrl, long grantId, List<String> newSites) {
        List<String> encoded = new ArrayList<>();
        newSites.forEach(cloudId -> encoded.add(encode(cloudId)));
        return returnUrl + (returnUrl.contains("?") ? "&" : "?") + "grantId=" + grantId + "&status=connected&newSites="
                + String.join(",", encoded);
    }

    /** The return URL with status=error and the error code. */
    public static String failed(String returnUrl, String error) {
        return returnUrl + (returnUrl.contains("?") ? "&" : "?") + "status=error&error=" + encode(error);
    }

    private static String query(Map<String, String> parameters) {
        StringBuilder query = new StringBuilder();
        parameters.forEach((name, value) -> {
            if (!query.isEmpty()) {
                query.append('&');
            }
            query.append(name).append('=').append(encode(value));
        });
        return query.toString();
    }

    private static String encode(String value) {
        // URLEncoder writes form encoding; a space is %20 in a URL's query.
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
