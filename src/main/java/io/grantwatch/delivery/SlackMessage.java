package io.grantwatch.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.Json;
import io.grantwatch.db.EventRow;
import java.util.ArrayList;
import java.util.List;

/**
 * An event as a Slack incoming-webhook message ({@code {"text": ...}}) for the people who run the
 * integration: which grant, which site, which scopes, and what to do about it. Pure; thread-safe.
 */
final class SlackMessage {
    private SlackMessage() {}

    /** @param label the grant's label and external id as known, or null for a grant that is gone */
    static String of(EventRow event, GrantLabel label) {
        ObjectNode data = CloudEventPayload.data(event);
        String grant = grantName(event.grantId(), label);
        String site = siteName(data, event.cloudId());
        String text = switch (event.type()) {
            case "site.granted" -> ":white_check_mark: " + grant + " can now reach " + site + scopes(data, "scopes", "with")
                    + ".\nNothing to do: the integration may use this site for this user.";
            case "site.revoked" -> ":no_entry: " + grant + " lost " + site + scopes(data, "scopes", "which had")
                    + " (reason: " + text(data, "reason") + ").\nStop calling this site for this user, and ask the user to "
                    + "reconnect if they still need it.";
            case "site.scopes_changed" -> ":warning: The scopes of " + grant + " on " + site + " changed:"
                    + String.join(";", nonEmpty(scopes(data, "scopesAdded", "added"), scopes(data, "scopesRemoved", "removed")))
                    + ".\n"
                    + (data.path("scopesRemoved").isEmpty()
                            ? "Nothing to do: the integration may use the added scopes."
                            : "Features that need the removed scopes will fail: ask the user to reconnect and grant them.");
            case "site.updated" -> ":pencil2: " + site + " of " + grant + " was renamed or moved.\n"
                    + "Update the site's name and url wherever the integration keeps them.";
            case "grant.revoked" -> ":no_entry: " + grant + " was revoked (reason: " + text(data, "reason") + ").\n"
                    + "Stop using this grant and ask the user to reconnect.";
            case "grant.restored" -> ":white_check_mark: " + grant + " works again.\nThe integration may use it again.";
            case "grant.degraded" -> ":hourglass: Checks of " + grant + " keep failing (" + text(data, "reason") + ").\n"
                    + "Nothing to do yet: this says nothing about the grant, and grantwatch keeps trying.";
            case "grant.recovered" -> ":white_check_mark: Checks of " + grant + " work again.\nNothing to do.";
            case "grant.token_expired" -> ":key: The access token of " + grant + " expired and grantwatch cannot refresh it.\n"
                    + "Give grantwatch a fresh token (PUT /v1/grants/" + event.grantId() + "/tokens), configure the "
                    + "OAuth client so it can refresh, or ask the user to reconnect.";
            case "grant.expiring" -> ":alarm_clock: The refresh token of " + grant + " reaches its 365-day limit at "
                    + text(data, "expiresAt") + ".\nAsk the user to reconnect before then.";
            case "grant.connected" -> ":link: " + grant + (data.path("reconnected").asBoolean() ? " was connected again" : " was connected")
                    + (data.path("newSites").isEmpty() ? "" : "; new sites: " + data.path("newSites").size()) + ".\nNothing to do.";
            default -> "grantwatch: " + event.type() + " for " + grant + ".";
        };
        ObjectNode message = Json.MAPPER.createObjectNode();
        message.put("text", text);
        return Json.write(message);
    }

    /** What a person knows a grant by. */
    record GrantLabel(String label, String externalId) {}

    private static String grantName(long grantId, GrantLabel label) {
        List<String> names = new ArrayList<>();
        if (label != null && label.label() != null) {
            names.add("\"" + escape(label.label()) + "\"");
        }
        if (label != null && label.externalId() != null) {
            names.add("externalId " + escape(label.externalId()));
        }
        return "*grant " + grantId + "*" + (names.isEmpty() ? "" : " (" + String.join(", ", names) + ")");
    }

    private static String siteName(ObjectNode data, String cloudId) {
        String name = data.path("name").isTextual() ? data.get("name").asText() : null;
        String url = data.path("url").isTextual() ? data.get("url").asText() : null;
        if (data.path("name").isObject()) {
            name = data.get("name").path("after").asText(null);
        }
        if (data.path("url").isObject()) {
            url = data.get("url").path("after").asText(null);
        }
        String shown = name != null ? "*" + escape(name) + "*" : "site";
        if (url != null) {
            shown += " (" + escape(url) + ")";
        }
        return cloudId == null ? shown : shown + " [cloudId " + escape(cloudId) + "]";
    }

    private static String scopes(ObjectNode data, String field, String lead) {
        JsonNode scopes = data.path(field);
        if (!scopes.isArray() || scopes.isEmpty()) {
            return "";
        }
        List<String> names = new ArrayList<>();
        scopes.forEach(scope -> names.add("`" + escape(scope.asText()) + "`"));
        return " " + lead + " " + String.join(", ", names);
    }

    private static List<String> nonEmpty(String... parts) {
        return java.util.Arrays.stream(parts).filter(part -> !part.isEmpty()).toList();
    }

    private static String text(ObjectNode data, String field) {
        return data.hasNonNull(field) ? escape(data.get(field).asText()) : "unknown";
    }

    /** Slack reads &, < and > as markup. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
