package io.grantwatch.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's browser in the consent flow, without a browser: the JDK HttpClient following redirects
 * one at a time, so that a test can stop where it likes (before the callback, at the return URL).
 * Keeps every URL it visited and every page it got, to search them for secrets.
 */
public final class Browser {
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<String> seen = new ArrayList<>();

    /** One answer: its status, where it redirects to (or null), and its body. */
    public record Page(int status, String location, String body) {
        /** The query parameters of the redirect's target. */
        public Map<String, String> parameters() {
            return query(URI.create(location).getRawQuery());
        }
    }

    public Page get(String url) {
        seen.add(url);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String location = response.headers().firstValue("Location").map(target -> URI.create(url).resolve(target).toString())
                    .orElse(null);
            if (location != null) {
                seen.add(location);
            }
            seen.add(response.body());
            return new Page(response.statusCode(), location, response.body());
        } catch (IOException e) {
            throw new AssertionError("GET failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Follows redirects from {@code url} until one leads to {@code stopAt} (not fetched) or an answer is no redirect. */
    public Page followUntil(String url, String stopAt) {
        Page page = get(url);
        for (int hops = 0; page.location() != null && !page.location().startsWith(stopAt); hops++) {
            if (hops > 10) {
                throw new AssertionError("too many redirects");
            }
            page = get(page.location());
        }
        return page;
    }

    /** Every URL, redirect target and page body this browser saw. */
    public List<String> seen() {
        return List.copyOf(seen);
    }

    public static Map<String, String> query(String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            parameters.put(URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8),
                    equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }
}
