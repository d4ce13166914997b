package io.grantwatch.proxy;

import java.util.List;

/**
 * A proxied call that ends without the site's answer. {@code kind} says what happened, {@code code}
 * is the error code the caller gets (for a refusal, the preflight's reason), and the message never
 * repeats a value from the request.
 */
public final class ProxyException extends RuntimeException {
    public enum Kind {
        /** The path, product or cloudId could climb out of the site's API, or is malformed. */
        INVALID_PATH,
        /** The latest state says the call would fail: grant_revoked, site_not_granted, scope_missing. */
        REFUSED,
        /** The request body is over proxy.maxBodyBytes. */
        TOO_LARGE,
        /** The site did not start its answer within proxy.timeout. */
        SITE_TIMEOUT,
        /** No answer from the site at all. */
        SITE_UNREACHABLE
    }

    private final Kind kind;
    private final String code;
    private final List<String> missingScopes;

    public ProxyException(Kind kind, String code, String message) {
        this(kind, code, message, List.of());
    }

    public ProxyException(Kind kind, String code, String message, List<String> missingScopes) {
        super(message, null, false, false);
        this.kind = kind;
        this.code = code;
        this.missingScopes = List.copyOf(missingScopes);
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public List<String> missingScopes() {
        return missingScopes;
    }
}
