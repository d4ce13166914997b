package io.grantwatch.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code /v1/grants/{id}/proxy/ex/{product}/{cloudId}/{path}} from the request URI as it came
 * over the wire (still percent-encoded), and refuses anything that could make the call leave
 * {@code /ex/{product}/{cloudId}/}: a {@code .} or {@code ..} segment, an encoded {@code /} or
 * {@code \}, at any depth of encoding ({@code %2e}, {@code %252e}, ...), a backslash, an empty
 * segment, a product other than Jira or Confluence, a cloudId that is not a UUID. The path is
 * forwarded exactly as received, so what is checked here is what Atlassian gets. Pure; thread-safe.
 */
public final class ProxyPath {
    public static final Set<String> PRODUCTS = Set.of("jira", "confluence");
    private static final Pattern CLOUD_ID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** RFC 3986 pchar without the percent sign, which is checked as an escape. */
    private static final Pattern PATH_CHARS = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:@%]*");
    /** Segments of the route before {path}: "", "v1", "grants", id, "proxy", "ex", product, cloudId. */
    public static final int FIRST_PATH_SEGMENT = 8;

    private ProxyPath() {}

    /** Where the call goes below the api base URL: {@code /ex/{product}/{cloudId}/{path}}, path still encoded. */
    public record Target(String product, String cloudId, String path) {
        public String apiPath() {
            return "/ex/" + product + "/" + cloudId + "/" + path;
        }
    }

    /** Why a path is refused; the message never repeats the path, which may carry anything. */
    public static final class InvalidPath extends RuntimeException {
        public InvalidPath(String message) {
            super(message, null, false, false);
        }
    }

    /** @param rawUri the request URI as received, without the query string */
    public static Target parse(String rawUri) {
        List<String> segments = List.of(rawUri.split("/", -1));
        if (segments.size() <= FIRST_PATH_SEGMENT || !segments.get(1).equals("v1") || !segments.get(2).equals("grants")
                || !segments.get(4).equals("proxy") || !segments.get(5).equals("ex")) {
            throw new InvalidPath("the path must be /v1/grants/{id}/proxy/ex/{product}/{cloudId}/{path}, unencoded up to {path}");
        }
        String product = segments.get(6);
        if (!PRODUCTS.contains(product)) {
            throw new InvalidPath("the product must be jira or confluence");
        }
        String cloudId = segments.get(7);
        if (!CLOUD_ID.matcher(cloudId).matches()) {
            throw new InvalidPath("the cloudId must be a UUID such as 1324a887-45db-1bf4-1e99-ef0ff456d421");
        }
        List<String> path = segments.subList(FIRST_PATH_SEGMENT, segments.size());
        for (int i = 0; i < path.size(); i++) {
            boolean last = i == path.size() - 1;
            checkSegment(path.get(i), last && i > 0);
        }
        return new Target(product, cloudId, String.join("/", path));
    }

    /** @param mayBeEmpty true for the last segment of several: a trailing slash */
    static void checkSegment(String raw, boolean mayBeEmpty) {
        if (raw.isEmpty()) {
            if (mayBeEmpty) {
                return;
            }
            throw new InvalidPath("the path may not hold an empty segment (//) or be empty");
        }
        if (!PATH_CHARS.matcher(raw).matches()) {
            throw new InvalidPath("the path holds a character that must be percent-encoded, or a backslash");
        }
        String text = raw;
        for (int depth = 0; ; depth++) {
            if (isDotSegment(text)) {
                throw new InvalidPath("the path may not hold a . or .. segment, plain or percent-encoded");
            }
            String decoded = decodeOnce(text, depth == 0);
            if (decoded == null || decoded.equals(text)) {
                return;
            }
            if (decoded.indexOf('/') >= 0 || decoded.indexOf('\\') >= 0) {
                throw new InvalidPath("the path may not hold an encoded / or \\, plain or double-encoded");
            }
            if (decoded.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new InvalidPath("the path may not hold encoded control characters");
            }
            text = decoded;
        }
    }

    /** "." and "..", also with a path parameter ("..;x"), which some servers strip before resolving. */
    private static boolean isDotSegment(String segment) {
        int semicolon = segment.indexOf(';');
        String name = semicolon < 0 ? segment : segment.substring(0, semicolon);
        return name.equals(".") || name.equals("..");
    }

    /**
     * One round of percent-decoding. A malformed escape is refused in the segment as received; in a
     * decoded one it is a literal percent sign (from {@code %25}) and decoding stops there: null.
     */
    private static String decodeOnce(String text, boolean asReceived) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
            if (high < 0 || low < 0) {
                if (asReceived) {
                    throw new InvalidPath("the path holds a malformed percent-escape");
                }
                return null;
            }
            bytes.write(high * 16 + low);
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
