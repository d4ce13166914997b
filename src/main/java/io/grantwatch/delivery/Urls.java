package io.grantwatch.delivery;

import java.net.URI;
import java.util.Locale;

/** Receiver urls: which ones we accept, and how they may be shown (a url may carry a credential). */
final class Urls {
    static final int MAX_LENGTH = 2000;

    private Urls() {}

    /** Null when the url is acceptable, else what is wrong with it (without repeating it). */
    static String problem(String url) {
        if (url == null || url.isBlank()) {
            return "must not be empty";
        }
        if (url.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            return "is not a valid URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            return "must be an absolute http:// or https:// URL";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "must name a host";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not carry a user name or password";
        }
        if (uri.getRawFragment() != null) {
            return "must not have a #fragment";
        }
        return null;
    }

    /** Scheme, host and port only: safe for logs and for showing a Slack url. */
    static String redacted(String url) {
        try {
            URI uri = new URI(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + "/...";
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return "(unparsable url)";
        }
    }
}
