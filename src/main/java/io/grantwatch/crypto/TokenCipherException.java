package io.grantwatch.crypto;

/** A stored token that cannot be read: unknown key, wrong key, damaged value. Never carries the token. */
public final class TokenCipherException extends RuntimeException {
    public TokenCipherException(String message) {
        super(message);
    }
}
