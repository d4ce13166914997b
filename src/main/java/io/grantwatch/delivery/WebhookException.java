package io.grantwatch.delivery;

/**
 * A webhook request refused, by {@link Kind}; the API decides what status and code each kind
 * answers. The message repeats no secret.
 */
public final class WebhookException extends RuntimeException {
    public enum Kind {
        /** A field of the subscription is not acceptable. */
        INVALID_FIELD,
        /** A parameter of the call is out of range. */
        INVALID_PARAMETER,
        /** No live subscription has that id. */
        UNKNOWN,
        /** The subscription comes from the configuration file, so the API may not change it. */
        CONFIGURED
    }

    private final Kind kind;

    WebhookException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    static WebhookException invalid(String message) {
        return new WebhookException(Kind.INVALID_FIELD, message);
    }

    static WebhookException invalidParameter(String message) {
        return new WebhookException(Kind.INVALID_PARAMETER, message);
    }

    static WebhookException unknown() {
        return new WebhookException(Kind.UNKNOWN, "no webhook has that id");
    }

    public Kind kind() {
        return kind;
    }
}
