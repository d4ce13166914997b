package io.grantwatch.core;

/** The status of a grant, as the API names them (README "Grants and their status"). */
public enum GrantStatus {
    PENDING,
    HEALTHY,
    DEGRADED,
    TOKEN_EXPIRED,
    REVOKED
}
