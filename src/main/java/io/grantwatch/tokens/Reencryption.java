package io.grantwatch.tokens;

import io.grantwatch.crypto.TokenCipher;
import io.grantwatch.db.GrantDao;
import io.grantwatch.db.GrantRow;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Re-encrypts every stored token under the cipher's current key, a batch per transaction, while
 * the daemon keeps running: rows locked by a refresh in progress are skipped and taken on a later
 * pass. Thread-safe.
 */
public final class Reencryption {
    private final Jdbi jdbi;
    private final TokenCipher cipher;
    private final int batchSize;

    public Reencryption(Jdbi jdbi, TokenCipher cipher, int batchSize) {
        this.jdbi = jdbi;
        this.cipher = cipher;
        this.batchSize = batchSize;
    }

    /** Runs until no token is left under another key, or {@code maxPasses} passes found nothing to take. Returns how many grants moved. */
    public int run(int maxPasses) throws InterruptedException {
        int moved = 0;
        int idle = 0;
        while (idle < maxPasses) {
            int batch = jdbi.inTransaction(handle -> {
                GrantDao grants = new GrantDao(handle);
                List<GrantRow> rows = grants.lockEncryptedWithOtherKey(cipher.currentKeyId(), batchSize);
                for (GrantRow row : rows) {
                    grants.reencrypt(row.id(), cipher.encrypt(cipher.decrypt(row.accessToken())),
                            cipher.encrypt(cipher.decrypt(row.refreshToken())), cipher.currentKeyId());
                }
                return rows.size();
            });
            moved += batch;
            if (batch > 0) {
                idle = 0;
            } else if (remaining() == 0) {
                return moved;
            } else {
                idle++;
                Thread.sleep(200); // the rest is locked by refreshes in progress
            }
        }
        return moved;
    }

    public long remaining() {
        return jdbi.withHandle(handle -> new GrantDao(handle).countEncryptedWithOtherKey(cipher.currentKeyId()));
    }
}
