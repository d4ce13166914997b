package io.grantwatch.audit;

import io.grantwatch.db.AuditRow;
import java.time.Instant;

/** One entry as {@code GET /v1/audit} shows it; {@code key} is the key's name, never the key. */
public record AuditEntry(long id, Instant time, String key, Long grantId, String action, int status) {
    static AuditEntry of(AuditRow row) {
        return new AuditEntry(row.id(), row.time(), row.keyName(), row.grantId(), row.action(), row.status());
    }
}
