package io.grantwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Json;
import io.grantwatch.client.JsonText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** How commands print the daemon's answers: readable text, or the JSON as it came for {@code --json}. */
final class Output {
    private Output() {}

    static void json(PrintWriter out, JsonNode node) {
        try {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print JSON", e);
        }
    }

    static void grant(PrintWriter out, JsonNode grant) {
        out.println("Grant " + grant.path("id").asLong() + ": " + JsonText.text(grant, "status")
                + (grant.path("stale").asBoolean() ? " (sites below are the last known, not confirmed now)" : ""));
        out.println("  external id:   " + JsonText.text(grant, "externalId"));
        out.println("  label:         " + JsonText.text(grant, "label"));
        if (grant.path("accountId").isTextual()) {
            out.println("  account:       " + JsonText.text(grant, "accountId"));
        }
        if (grant.path("connectedAt").isTextual()) {
            out.println("  connected:     " + JsonText.text(grant, "connectedAt"));
        }
        out.println("  last checked:  " + JsonText.text(grant, "lastCheckedAt"));
        out.println("  last changed:  " + JsonText.text(grant, "lastChangedAt"));
        out.println("  token expires: " + JsonText.text(grant, "accessTokenExpiresAt")
                + (grant.path("hasRefreshToken").asBoolean() ? " (has a refresh token)" : ""));
        if (!grant.path("lastError").isNull() && !grant.path("lastError").isMissingNode()) {
            out.println("  last error:    " + JsonText.text(grant, "lastError"));
        }
        if (grant.path("sites").isEmpty()) {
            out.println("  reaches no site");
            return;
        }
        Table sites = new Table("  SITE", "CLOUD ID", "URL", "SCOPES");
        grant.path("sites").forEach(site -> sites.row("  " + JsonText.text(site, "name"), JsonText.text(site, "cloudId"), JsonText.text(site, "url"),
                JsonText.scopes(site.path("scopes"))));
        sites.print(out);
        List<String> apis = new ArrayList<>();
        grant.path("sites").forEach(site -> site.path("apiUrls").fields().forEachRemaining(api ->
                apis.add("  " + JsonText.text(site, "name") + " " + api.getKey() + ": " + api.getValue().asText())));
        if (!apis.isEmpty()) {
            out.println("  API URLs:");
            apis.forEach(line -> out.println("  " + line));
        }
    }
}
