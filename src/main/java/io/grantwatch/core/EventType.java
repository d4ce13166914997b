package io.grantwatch.core;

import java.util.Optional;

/** The event types (README "Events: GET /v1/events"), with the names they carry on the wire (feed, webhooks, filters). */
public enum EventType {
    SITE_GRANTED("site.granted"),
    SITE_REVOKED("site.revoked"),
    SITE_SCOPES_CHANGED("site.scopes_changed"),
    SITE_UPDATED("site.updated"),
    GRANT_REVOKED("grant.revoked"),
    GRANT_RESTORED("grant.restored"),
    GRANT_DEGRADED("grant.degraded"),
    GRANT_RECOVERED("grant.recovered"),
    GRANT_TOKEN_EXPIRED("grant.token_expired"),
    GRANT_EXPIRING("grant.expiring");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Empty for a name that is not in the contract, so callers decide between 400 and skipping. */
    public static Optional<EventType> fromWireName(String wireName) {
        for (EventType type : values()) {
            if (type.wireName.equals(wireName)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** True for the types that describe one site, and so change the grant's {@link Sites}. */
    public boolean isSiteEvent() {
        return switch (this) {
            case SITE_GRANTED, SITE_REVOKED, SITE_SCOPES_CHANGED, SITE_UPDATED -> true;
            default -> false;
        };
    }
}
