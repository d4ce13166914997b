package io.grantwatch.crypto;

import io.grantwatch.config.ConfigException;
import io.grantwatch.db.GrantDao;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Start-up check: every key that stored tokens are encrypted with must be configured. Starting
 * without it would leave every grant unreadable, so grantwatch refuses to start instead.
 */
public final class StoredKeys {
    private StoredKeys() {}

    public static void verify(Jdbi jdbi, TokenCipher cipher) {
        List<String> inUse = jdbi.withHandle(handle -> new GrantDao(handle).keyIdsInUse());
        List<String> unknown = inUse.stream().filter(keyId -> !cipher.knows(keyId)).toList();
        if (!unknown.isEmpty()) {
            throw new ConfigException("stored tokens are encrypted with key id(s) " + unknown + ", which are not configured "
                    + "(configured: " + cipher.keyIds() + "); give the key as encryption.key or encryption.previousKeys");
        }
    }
}
