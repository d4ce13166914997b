package io.grantwatch.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts tokens at rest with AES-256-GCM: a fresh 96-bit nonce per value, and the id of the key
 * stored beside the ciphertext ({@code v1.<key id>.<base64 of nonce and ciphertext>}) so that keys
 * can be rotated. The first key encrypts; every key decrypts. Thread-safe.
 */
public final class TokenCipher {
    private static final String VERSION = "v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private final String currentKeyId;

    /** @param keys raw 32-byte keys, the newest first */
    public TokenCipher(List<byte[]> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one key is needed");
        }
        for (byte[] key : keys) {
            if (key.length != 32) {
                throw new IllegalArgumentException("an AES-256 key has 32 bytes, not " + key.length);
            }
            this.keys.put(keyId(key), new SecretKeySpec(key, "AES"));
        }
        this.currentKeyId = this.keys.keySet().iterator().next();
    }

    /** A short public name for a key: the first 8 bytes of its SHA-256, in hex. It reveals nothing usable. */
    public static String keyId(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String currentKeyId() {
        return currentKeyId;
    }

    public List<String> keyIds() {
        return List.copyOf(keys.keySet());
    }

    public boolean knows(String keyId) {
        return keys.containsKey(keyId);
    }

    /** Null stays null, so that an absent refresh token needs no special case. */
    public String encrypt(String plain) {
        if (plain == null) {
            return null;
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(currentKeyId.getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return VERSION + "." + currentKeyId + "." + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a token", e);
        }
    }

    public String decrypt(String stored) {
        if (stored == null) {
            return null;
        }
        String[] parts = stored.split("\\.", 3);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            throw new TokenCipherException("a stored token is not in grantwatch's encrypted format");
        }
        SecretKeySpec key = keys.get(parts[1]);
        if (key == null) {
            throw new TokenCipherException("a stored token was encrypted with key " + parts[1] + ", which is not configured");
        }
        try {
            byte[] in = Base64.getDecoder().decode(parts[2]);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(parts[1].getBytes(StandardCharsets.US_ASCII));
            byte[] plain = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new TokenCipherException("a stored token cannot be decrypted with key " + parts[1] + " (wrong key or damaged value)");
        }
    }
}
