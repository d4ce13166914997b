package io.grantwatch.delivery;

/** A webhook request refused: its HTTP status, a stable error code, and a message that repeats no secret. */
public final class WebhookException extends RuntimeException {
    private final int status;
    private final String code;

    WebhookException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    static WebhookException invalid(String message) {
        return new WebhookException(400, "invalid_field", message);
    }

    static WebhookException unknown() {
        return new WebhookException(404, "not_found", "no webhook has that id");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
