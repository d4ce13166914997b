package io.grantwatch.grants;

import java.time.Instant;

/** Tokens as the integration hands them over. {@code toString} never shows them. */
public record Tokens(String accessToken, String refreshToken, Instant expiresAt) {
    @Override
    public String toString() {
        return "Tokens[expiresAt=" + expiresAt + ", refreshToken=" + (refreshToken == null ? "none" : "given") + "]";
    }
}
