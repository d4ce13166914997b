package io.grantwatch.db;

import java.time.Instant;

/** One entry of the audit: who ({@code keyName}) did what to which grant, and the status they got. */
public record AuditRow(long id, Instant time, String keyName, Long grantId, String action, int status) {}
