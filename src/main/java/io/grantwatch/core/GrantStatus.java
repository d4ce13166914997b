package io.grantwatch.core;

/** The status of a grant, as SPEC.md names them. */
public enum GrantStatus {
    PENDING,
    HEALTHY,
    DEGRADED,
    TOKEN_EXPIRED,
    REVOKED
}
