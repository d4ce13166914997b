package io.grantwatch.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * An event of the feed as one line for people: when, which grant, what happened. Sites are named
 * by the names earlier events of the same feed gave them. Thread-safe.
 */
public final class EventFormat {
    private final LongFunction<String> grantName;
    private final Map<String, String> siteNames = new ConcurrentHashMap<>();

    /** @param grantName how to name a grant by its id, such as "grant 3" or a demo user's name */
    public EventFormat(LongFunction<String> grantName) {
        this.grantName = grantName;
    }

    public EventFormat() {
        this(id -> "grant " + id);
    }

    public String line(JsonNode event) {
        JsonNode data = event.path("data");
        if (data.path("name").isTextual()) {
            siteNames.put(data.path("cloudId").asText(), data.path("name").asText());
        }
        if (data.path("name").path("after").isTextual()) {
            siteNames.put(data.path("cloudId").asText(), data.path("name").path("after").asText());
        }
        return String.format("%s  #%-5s %-10s %-20s %s", time(event.path("time").asText()), event.path("id").asText(),
                grantName.apply(event.path("grantId").asLong()), event.path("type").asText(), describe(event));
    }

    /** To the second: a line for people; --json keeps the full time. */
    private static String time(String text) {
        try {
            return Instant.parse(text).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return text;
        }
    }

    private String describe(JsonNode event) {
        JsonNode data = event.path("data");
        return switch (event.path("type").asText()) {
            case "site.granted" -> site(data) + " granted: " + JsonText.scopes(data.path("scopes"));
            case "site.revoked" -> site(data) + " revoked (" + JsonText.text(data, "reason") + ")";
            case "site.scopes_changed" -> site(data.path("cloudId").asText()) + ": " + changes(data)
                    + "; now " + JsonText.scopes(data.path("scopes"));
            case "site.updated" -> site(data.path("cloudId").asText()) + ":" + updates(data);
            case "grant.revoked" -> "the grant is gone (" + JsonText.text(data, "reason") + ")";
            case "grant.restored" -> "the grant works again (it was " + JsonText.text(data, "previousStatus") + ")";
            case "grant.degraded" -> "checks keep failing (" + JsonText.text(data, "reason")
                    + "); the sites shown are the last known";
            case "grant.recovered" -> "checks work again";
            case "grant.token_expired" -> "the access token expired and cannot be refreshed; new tokens are needed";
            case "grant.expiring" -> "the refresh token expires at " + JsonText.text(data, "expiresAt");
            case "grant.connected" -> (data.path("reconnected").asBoolean() ? "connected again" : "connected")
                    + (data.path("accountId").isTextual() ? " by account " + data.path("accountId").asText() : "")
                    + "; new sites: " + (data.path("newSites").isEmpty() ? "none" : newSites(data.path("newSites")));
            default -> data.toString();
        };
    }

    private String newSites(JsonNode cloudIds) {
        List<String> sites = new ArrayList<>();
        cloudIds.forEach(cloudId -> sites.add(site(cloudId.asText())));
        return String.join(", ", sites);
    }

    private static String site(JsonNode data) {
        return JsonText.text(data, "name") + " (" + JsonText.text(data, "url") + ")";
    }

    private String site(String cloudId) {
        String name = siteNames.get(cloudId);
        return name == null ? "site " + cloudId : name + " (" + cloudId + ")";
    }

    private static String changes(JsonNode data) {
        StringBuilder text = new StringBuilder();
        data.path("scopesAdded").forEach(scope -> text.append(text.isEmpty() ? "" : " ").append('+').append(scope.asText()));
        data.path("scopesRemoved").forEach(scope -> text.append(text.isEmpty() ? "" : " ").append('-').append(scope.asText()));
        return text.toString();
    }

    private static String updates(JsonNode data) {
        StringBuilder text = new StringBuilder();
        data.fields().forEachRemaining(field -> {
            if (field.getValue().isObject()) {
                text.append(' ').append(field.getKey()).append(" '").append(JsonText.text(field.getValue(), "before"))
                        .append("' -> '").append(JsonText.text(field.getValue(), "after")).append('\'');
            }
        });
        return text.toString();
    }
}
