package io.grantwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Json;
import io.grantwatch.client.JsonText;
import java.io.PrintWriter;

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
    }
}
