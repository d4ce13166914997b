package io.grantwatch.api;

import io.javalin.security.RouteRole;

/**
 * What a caller must be allowed to do for a route. Each route declares one, Javalin keeps it on the
 * endpoint, and {@link HttpApi} checks it against the caller's key ({@link #needs()}).
 */
public enum Role implements RouteRole {
    /** No API key needed (health, metrics, the OpenAPI document). */
    PUBLIC,
    READ,
    WRITE,
    TOKENS,
    ADMIN;

    /** The role a key must hold for a route that declares this one; null for a public route. */
    io.grantwatch.access.Role needs() {
        return this == PUBLIC ? null : io.grantwatch.access.Role.valueOf(name());
    }
}
