package io.grantwatch.access;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a request may call a route: who the caller is (from its {@code Authorization}
 * header) and whether the caller's key holds the role the route needs. Without any configured key
 * the API stays open, as it was before keys had roles. Immutable and thread-safe.
 */
public final class AccessGate {
    /** The caller of an API that has no keys: anyone, with every role, under no key name. */
    public static final Caller ANONYMOUS = new Caller(null, EnumSet.allOf(Role.class));

    private final ApiKeys keys;

    public AccessGate(ApiKeys keys) {
        this.keys = keys;
    }

    public sealed interface Decision {
        /** The request goes on, made by {@code caller}. */
        record Allowed(Caller caller) implements Decision {}

        /** No key, or one that is not configured: 401. */
        record Unauthenticated() implements Decision {}

        /** A known key without the role: 403. */
        record Forbidden(Caller caller, Role needed) implements Decision {}
    }

    /**
     * Who sent {@code Authorization}: the key's caller, {@link #ANONYMOUS} when no key is configured,
     * empty for a missing or unknown key.
     */
    public Optional<Caller> authenticate(String authorization) {
        return keys.isEmpty() ? Optional.of(ANONYMOUS) : keys.authenticate(bearer(authorization));
    }

    /** @param authorization the request's {@code Authorization} header, or null */
    public Decision decide(String authorization, Role needed) {
        Caller caller = authenticate(authorization).orElse(null);
        if (caller == null) {
            return new Decision.Unauthenticated();
        }
        return caller.may(needed) ? new Decision.Allowed(caller) : new Decision.Forbidden(caller, needed);
    }

    /** True when keys are configured, so that a token can only go to a caller who proved who it is. */
    public boolean keysConfigured() {
        return !keys.isEmpty();
    }

    public ApiKeys keys() {
        return keys;
    }

    /** The key of {@code Bearer <key>} (the scheme in any case, as RFC 9110 allows), else null. */
    static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        return authorization.substring(7).trim();
    }
}
