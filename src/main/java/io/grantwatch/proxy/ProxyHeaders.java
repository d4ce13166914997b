package io.grantwatch.proxy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which headers cross the proxy. Hop-by-hop headers (RFC 9110 section 7.6.1, and any a
 * {@code Connection} header names) stay on their hop both ways. Of the caller's headers, {@code Host},
 * {@code Cookie}, {@code Authorization} (the caller's API key; the grant's token takes its place) and
 * {@code Grantwatch-*} stay behind too, and so do {@code Content-Length} and {@code Expect}, which the
 * HTTP client sets itself. Pure; thread-safe.
 */
public final class ProxyHeaders {
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade");
    private static final Set<String> KEPT_FROM_SITE = Set.of("host", "cookie", "authorization", "content-length", "expect");
    public static final String PREFIX = "grantwatch-";

    private ProxyHeaders() {}

    public record Header(String name, String value) {}

    /** The caller's headers that go on to the site, in their order. */
    public static List<Header> toSite(List<Header> fromCaller) {
        Set<String> dropped = connectionNamed(fromCaller);
        List<Header> kept = new ArrayList<>();
        for (Header header : fromCaller) {
            String name = header.name().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !KEPT_FROM_SITE.contains(name) && !name.startsWith(PREFIX)
                    && !dropped.contains(name) && !name.startsWith(":")) {
                kept.add(header);
            }
        }
        return kept;
    }

    /** The site's headers that go back to the caller. */
    public static List<Header> toCaller(List<Header> all) {
        Set<String> dropped = connectionNamed(all);
        List<Header> kept = new ArrayList<>();
        for (Header header : all) {
            String name = header.name().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !dropped.contains(name) && !name.startsWith(":")) {
                kept.add(header);
            }
        }
        return kept;
    }

    private static Set<String> connectionNamed(List<Header> headers) {
        Set<String> named = new HashSet<>();
        for (Header header : headers) {
            if (header.name().equalsIgnoreCase("Connection")) {
                for (String token : header.value().split(",")) {
                    named.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return named;
    }
}
