package io.grantwatch.core;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The base URLs of a site's product APIs that its scopes reach: {@code jira} when a scope names
 * {@code jira} or {@code servicedesk}, {@code confluence} when one names {@code confluence}. A pure
 * function; the answer is unmodifiable and keeps the order jira, confluence.
 */
public final class ApiUrls {
    private ApiUrls() {}

    /** @param apiBaseUrl {@code atlassian.apiBaseUrl}, as text (core stays clear of java.net) */
    public static Map<String, String> of(String apiBaseUrl, String cloudId, Collection<String> scopes) {
        boolean jira = false;
        boolean confluence = false;
        for (String scope : scopes) {
            String name = scope.toLowerCase(Locale.ROOT);
            jira |= name.contains("jira") || name.contains("servicedesk");
            confluence |= name.contains("confluence");
        }
        String base = apiBaseUrl.endsWith("/") ? apiBaseUrl.substring(0, apiBaseUrl.length() - 1) : apiBaseUrl;
        Map<String, String> urls = new LinkedHashMap<>();
        if (jira) {
            urls.put("jira", base + "/ex/jira/" + cloudId);
        }
        if (confluence) {
            urls.put("confluence", base + "/ex/confluence/" + cloudId);
        }
        return java.util.Collections.unmodifiableMap(urls);
    }

    /**
     * The event with {@code apiUrls} added to its data, for the events that describe a site's
     * scopes ({@code site.granted}, {@code site.revoked}, {@code site.scopes_changed}); any other as it is.
     */
    public static NewEvent addTo(NewEvent event, String apiBaseUrl) {
        boolean describesScopes = switch (event.type()) {
            case SITE_GRANTED, SITE_REVOKED, SITE_SCOPES_CHANGED -> true;
            default -> false;
        };
        if (!describesScopes || event.cloudId() == null || !(event.data().get("scopes") instanceof Collection<?> scopes)) {
            return event;
        }
        Map<String, Object> data = new LinkedHashMap<>(event.data());
        data.put("apiUrls", of(apiBaseUrl, event.cloudId(), scopes.stream().map(String::valueOf).toList()));
        return new NewEvent(event.type(), event.cloudId(), data);
    }
}
