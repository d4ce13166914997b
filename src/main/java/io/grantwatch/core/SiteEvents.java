package io.grantwatch.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Maps {@link SiteChange}s to the {@code site.*} events (README "Events: GET /v1/events"), and events back to changes.
 * Each event's data holds enough to rebuild its change, so that a consumer of the feed who applies
 * the events to the old state gets the new one. Pure; thread-safe.
 */
public final class SiteEvents {
    /** The {@code reason} of a {@code site.revoked} for a site gone from a valid answer. */
    public static final String SITE_REMOVED = "site_removed";
    /** The {@code reason} of the {@code site.revoked} sent for each site of a grant revoked as a whole. */
    public static final String GRANT_REVOKED = "grant_revoked";

    private SiteEvents() {}

    /** The fields that a {@code site.updated} reports, in the order it reports them. */
    private enum Detail {
        NAME("name", Site::name),
        URL("url", Site::url),
        AVATAR_URL("avatarUrl", Site::avatarUrl);

        final String field;
        final Function<Site, String> value;

        Detail(String field, Function<Site, String> value) {
            this.field = field;
            this.value = value;
        }
    }

    /**
     * One event per change, in the same order.
     *
     * @param revokedReason the {@code reason} of every {@code site.revoked}, such as
     *     {@link #SITE_REMOVED} or {@link #GRANT_REVOKED}; may be null only when no site is revoked
     */
    public static List<NewEvent> of(List<SiteChange> changes, String revokedReason) {
        return changes.stream().map(change -> of(change, revokedReason)).toList();
    }

    private static NewEvent of(SiteChange change, String revokedReason) {
        return switch (change) {
            case SiteChange.Granted granted -> new NewEvent(EventType.SITE_GRANTED, change.cloudId(), siteData(granted.site()));
            case SiteChange.Revoked revoked -> {
                Map<String, Object> data = siteData(revoked.site());
                data.put("reason", Objects.requireNonNull(revokedReason, "revokedReason"));
                yield new NewEvent(EventType.SITE_REVOKED, change.cloudId(), data);
            }
            case SiteChange.ScopesChanged scopes -> {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("cloudId", scopes.cloudId());
                data.put("scopesAdded", scopes.added());
                data.put("scopesRemoved", scopes.removed());
                data.put("scopes", scopes.scopes());
                yield new NewEvent(EventType.SITE_SCOPES_CHANGED, change.cloudId(), data);
            }
            case SiteChange.Updated updated -> new NewEvent(EventType.SITE_UPDATED, change.cloudId(), updateData(updated));
        };
    }

    private static Map<String, Object> siteData(Site site) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cloudId", site.cloudId());
        data.put("name", site.name());
        data.put("url", site.url());
        data.put("scopes", site.scopes());
        data.put("avatarUrl", site.avatarUrl());
        return data;
    }

    private static Map<String, Object> updateData(SiteChange.Updated updated) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cloudId", updated.cloudId());
        for (Detail detail : Detail.values()) {
            String before = detail.value.apply(updated.before());
            String after = detail.value.apply(updated.after());
            if (!Objects.equals(before, after)) {
                // LinkedHashMap, not Map.of: either side may be null, an avatar that appears or goes.
                Map<String, Object> beforeAfter = new LinkedHashMap<>();
                beforeAfter.put("before", before);
                beforeAfter.put("after", after);
                data.put(detail.field, beforeAfter);
            }
        }
        return data;
    }

    /**
     * Rebuilds the change that {@code event} describes from its data. {@code state} is the grant's
     * sites just before the event; only a {@code site.updated} needs it, since it carries the
     * changed fields alone.
     *
     * @throws IllegalArgumentException when the event is not a {@code site.*} event, its data is
     *     malformed, or a {@code site.updated} does not fit {@code state}
     */
    public static SiteChange toChange(NewEvent event, Sites state) {
        Map<String, Object> data = event.data();
        return switch (event.type()) {
            case SITE_GRANTED -> new SiteChange.Granted(site(data));
            case SITE_REVOKED -> new SiteChange.Revoked(site(data));
            case SITE_SCOPES_CHANGED -> new SiteChange.ScopesChanged(
                    cloudId(data), strings(data, "scopesAdded"), strings(data, "scopesRemoved"), strings(data, "scopes"));
            case SITE_UPDATED -> updated(data, state);
            default -> throw new IllegalArgumentException(event.type().wireName() + " is not about one site");
        };
    }

    /**
     * Applies the {@code site.*} events among {@code events} to {@code before}, in order. Other
     * events are skipped: a revoked grant also gets a {@code site.revoked} for each of its sites.
     *
     * @throws IllegalArgumentException when an event does not fit the state it meets
     */
    public static Sites replay(Sites before, List<NewEvent> events) {
        Sites state = before;
        for (NewEvent event : events) {
            if (event.type().isSiteEvent()) {
                state = Diff.apply(state, List.of(toChange(event, state)));
            }
        }
        return state;
    }

    private static SiteChange.Updated updated(Map<String, Object> data, Sites state) {
        String cloudId = cloudId(data);
        Site before = state.find(cloudId)
                .orElseThrow(() -> new IllegalArgumentException("site.updated for absent site " + cloudId));
        Map<Detail, String> details = new LinkedHashMap<>();
        for (Detail detail : Detail.values()) {
            String current = detail.value.apply(before);
            details.put(detail, current);
            if (data.get(detail.field) instanceof Map<?, ?> beforeAfter) {
                if (!Objects.equals(current, beforeAfter.get("before"))) {
                    throw new IllegalArgumentException("site.updated of " + cloudId + " expects " + detail.field
                            + " " + beforeAfter.get("before") + " but the site has " + current);
                }
                details.put(detail, optionalString(beforeAfter.get("after"), detail.field));
            }
        }
        Site after = new Site(cloudId, details.get(Detail.NAME), details.get(Detail.URL), before.scopes(),
                details.get(Detail.AVATAR_URL));
        return new SiteChange.Updated(before, after);
    }

    private static Site site(Map<String, Object> data) {
        return new Site(cloudId(data), optionalString(data.get("name"), "name"), optionalString(data.get("url"), "url"),
                strings(data, "scopes"), optionalString(data.get("avatarUrl"), "avatarUrl"));
    }

    private static String cloudId(Map<String, Object> data) {
        String cloudId = optionalString(data.get("cloudId"), "cloudId");
        if (cloudId == null) {
            throw new IllegalArgumentException("event data without cloudId");
        }
        return cloudId;
    }

    private static String optionalString(Object value, String field) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new IllegalArgumentException(field + " is not a string: " + value);
    }

    private static List<String> strings(Map<String, Object> data, String field) {
        if (!(data.get(field) instanceof List<?> list)) {
            throw new IllegalArgumentException(field + " is not a list: " + data.get(field));
        }
        return list.stream().map(element -> {
            if (element instanceof String string) {
                return string;
            }
            throw new IllegalArgumentException(field + " holds a non-string: " + element);
        }).toList();
    }
}
