package io.grantwatch.connect;

/** A {@code POST /v1/connect} that is refused: its HTTP status, a stable error code and a message for people. */
public final class ConnectException extends RuntimeException {
    private final int status;
    private final String code;

    public ConnectException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
