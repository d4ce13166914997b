package io.grantwatch.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks secrets and signatures. A secret is {@code whsec_} + the base64 of its key;
 * a signature is {@code v1,} + base64(HMAC-SHA256(key, "{msg id}.{timestamp}.{body}")), and several
 * (during a secret rotation) are sent space-separated. Thread-safe.
 */
public final class WebhookSecrets {
    public static final String PREFIX = "whsec_";
    /** Standard Webhooks asks for 24 to 64 bytes; we make 32 and accept what the scheme accepts. */
    static final int MIN_KEY_BYTES = 24;
    static final int MAX_KEY_BYTES = 64;
    private static final int NEW_KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSecrets() {}

    public static String generate() {
        byte[] key = new byte[NEW_KEY_BYTES];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** True for {@code whsec_} + base64 of 24 to 64 bytes. */
    public static boolean isValid(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return false;
        }
        try {
            int length = Base64.getDecoder().decode(secret.substring(PREFIX.length())).length;
            return length >= MIN_KEY_BYTES && length <= MAX_KEY_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The {@code webhook-signature} header: one {@code v1,...} per secret, newest first. */
    public static String signatureHeader(List<String> secrets, String messageId, long timestamp, String body) {
        StringJoiner header = new StringJoiner(" ");
        for (String secret : secrets) {
            header.add("v1," + sign(secret, messageId, timestamp, body));
        }
        return header.toString();
    }

    static String sign(String secret, String messageId, long timestamp, String body) {
        byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((messageId + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
