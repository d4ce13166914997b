package io.grantwatch.simulator;

/** A way for the simulated Atlassian to fail one answer, as gateways and overloaded services do. */
public enum Fault {
    /** {@code 503} with a JSON body. */
    SERVER_ERROR,
    /** {@code 502} with an HTML page, as a proxy in front of Atlassian sends. */
    BAD_GATEWAY_HTML,
    /** {@code 429} with {@code Retry-After} (seconds) and {@code X-RateLimit-Reset} (ISO-8601). */
    RATE_LIMITED,
    /** {@code 200} with JSON cut off in the middle. */
    MALFORMED_JSON,
    /** {@code 200} with a JSON object where an array belongs. */
    WRONG_SHAPE,
    /** The normal answer, but only after the slow delay, which is meant to outlast a client's timeout. */
    SLOW,
    /** The connection is closed without any answer. */
    RESET
}
