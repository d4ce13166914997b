package io.grantwatch.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/** One Atlassian site as the simulator grants it. Immutable. */
public record SimSite(String cloudId, String name, String url, List<String> scopes, String avatarUrl) {
    public SimSite {
        Objects.requireNonNull(cloudId, "cloudId");
        scopes = List.copyOf(scopes);
    }

    /** A site whose cloudId and url follow from its name, so the same name is always the same site. */
    public static SimSite of(String name, String... scopes) {
        String host = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        String cloudId = UUID.nameUUIDFromBytes(("sim-site:" + name).getBytes(StandardCharsets.UTF_8)).toString();
        return new SimSite(
                cloudId,
                name,
                "https://" + host + ".atlassian.net",
                List.of(scopes),
                "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png");
    }

    public SimSite withScopes(List<String> newScopes) {
        return new SimSite(cloudId, name, url, newScopes, avatarUrl);
    }

    public SimSite withName(String newName) {
        return new SimSite(cloudId, newName, url, scopes, avatarUrl);
    }

    /**
     * The scopes of each entry Atlassian lists for this site: one entry per product. Like Atlassian,
     * the Jira Service Management entry repeats the Jira scopes. A site of one product has one entry.
     */
    List<List<String>> scopesByProduct() {
        List<String> jira = new ArrayList<>();
        List<String> serviceManagement = new ArrayList<>();
        List<String> confluence = new ArrayList<>();
        for (String scope : scopes) {
            if (scope.contains("servicedesk") || scope.contains("servicemanagement")) {
                serviceManagement.add(scope);
            } else if (scope.contains("confluence")) {
                confluence.add(scope);
            } else {
                jira.add(scope);
            }
        }
        List<List<String>> entries = new ArrayList<>();
        if (!jira.isEmpty() || (serviceManagement.isEmpty() && confluence.isEmpty())) {
            entries.add(jira);
        }
        if (!serviceManagement.isEmpty()) {
            serviceManagement.addAll(jira);
            entries.add(serviceManagement);
        }
        if (!confluence.isEmpty()) {
            entries.add(confluence);
        }
        return entries;
    }
}
