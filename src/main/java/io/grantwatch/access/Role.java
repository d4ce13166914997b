package io.grantwatch.access;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What an API key may do. Each route needs one role; {@link #ADMIN} may do everything, the others
 * only what they name (so a dashboard key that reads cannot take a token).
 */
public enum Role {
    /** Every GET under /v1 but the token, the proxy and the audit; and the dashboard. */
    READ,
    /** Register, import, replace tokens, delete, check, connect. */
    WRITE,
    /** The token hand-out and the proxy. */
    TOKENS,
    /** Webhooks, the audit, everything. */
    ADMIN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWireName(String name) {
        return Arrays.stream(values()).filter(role -> role.wireName().equals(name)).findFirst();
    }

    /** Whether a key holding {@code held} may call a route that needs this role. */
    public boolean grantedBy(java.util.Set<Role> held) {
        return held.contains(ADMIN) || held.contains(this);
    }
}
