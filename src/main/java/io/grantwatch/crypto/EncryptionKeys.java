package io.grantwatch.crypto;

import io.grantwatch.config.Config;
import io.grantwatch.config.ConfigException;
import io.grantwatch.config.ConfigLoader;
import java.util.ArrayList;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the key that encrypts tokens: {@code encryption.key} when configured; for the embedded
 * database, a key file in the data folder, generated on first start. A server database without a
 * configured key is refused: a key generated on one node would be unknown to the others.
 */
public final class EncryptionKeys {
    private static final Logger log = LoggerFactory.getLogger(EncryptionKeys.class);
    public static final String KEY_FILE = "encryption.key";

    private EncryptionKeys() {}

    public static TokenCipher cipherFor(Config config) {
        String configured = config.encryption().key();
        if (configured != null) {
            List<byte[]> keys = new ArrayList<>();
            keys.add(ConfigLoader.aesKey("encryption.key", configured));
            for (String previous : config.encryption().previousKeys()) {
                keys.add(ConfigLoader.aesKey("encryption.previousKeys", previous));
            }
            return new TokenCipher(keys);
        }
        if (!config.jdbcUrl().startsWith("jdbc:h2:")) {
            throw new ConfigException("encryption.key is required with a server database: generate one with "
                    + "`openssl rand -base64 32` and give every node the same value");
        }
        return new TokenCipher(List.of(loadOrGenerate(config.dataDir().resolve(KEY_FILE))));
    }

    private static byte[] loadOrGenerate(Path file) {
        try {
            if (Files.exists(file)) {
                byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
                if (key.length != 32) {
                    throw new ConfigException(file + " does not hold the base64 of a 32-byte key");
                }
                return key;
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.createDirectories(file.getParent());
            Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the folder's own permissions are all we have
            }
            log.info("Generated a new token encryption key in {} (key id {}). Back it up: without it the stored "
                    + "tokens cannot be read.", file, TokenCipher.keyId(key));
            return key;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + " is not valid base64");
        } catch (IOException e) {
            throw new ConfigException("cannot read or create the key file " + file + ": " + e.getMessage());
        }
    }
}
