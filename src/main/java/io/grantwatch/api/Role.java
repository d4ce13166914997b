package io.grantwatch.api;

import io.javalin.security.RouteRole;

/**
 * What a caller must be allowed to do for a route. Each route declares one, and Javalin keeps it
 * on the endpoint; nothing enforces it yet: today one API key opens every {@code /v1} route.
 */
public enum Role implements RouteRole {
    /** No API key needed (health, metrics, the OpenAPI document). */
    PUBLIC,
    READ,
    WRITE,
    TOKENS,
    ADMIN
}
