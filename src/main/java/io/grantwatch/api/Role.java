package io.grantwatch.api;

import io.javalin.security.RouteRole;

/**
 * What a caller must be allowed to do for a route. Each route declares one, and Javalin keeps it
 * on the endpoint; {@link HttpApi} checks it against the caller's key ({@link #needs()}).
 */
public enum Role implements RouteRole {
    /** No API key needed (health, metrics, the OpenAPI document). */
    PUBLIC,
    READ,
    WRITE,
    TOKENS,
    ADMIN;

    /** The key role this route needs, or null for a public route. */
    io.grantwatch.access.Role needs() {
        return this == PUBLIC ? null : io.grantwatch.access.Role.valueOf(name());
    }
}
