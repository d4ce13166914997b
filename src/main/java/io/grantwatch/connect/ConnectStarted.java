package io.grantwatch.connect;

import java.time.Instant;

/** The answer to {@code POST /v1/connect}: where to send the user's browser, and until when it works. */
public record ConnectStarted(String authorizeUrl, String state, Instant expiresAt) {
    @Override
    public String toString() {
        return "ConnectStarted[expiresAt=" + expiresAt + "]";
    }
}
