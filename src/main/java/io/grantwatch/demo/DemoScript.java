package io.grantwatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.client.DaemonClient;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimConsent;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The demo's cast and what happens to them: four users whose grants the simulated Atlassian keeps,
 * registered with grantwatch, a fifth who connects through grantwatch's consent flow (and later
 * consents again to add a site: grantwatch says which one), and a loop of changes, each undone a few steps later so that the
 * loop can run forever. Not thread-safe: one thread runs the steps.
 */
final class DemoScript {
    private static final SimSite ACME = SimSite.of("Acme", "read:jira-work", "write:jira-work", "read:jira-user");
    private static final SimSite WIKI = SimSite.of("Beta Wiki", "read:confluence-content.all", "write:confluence-content");
    private static final SimSite GAMMA = SimSite.of("Gamma", "read:jira-work", "read:jira-user");
    private static final SimSite CAROL = SimSite.of("Carol Co", "read:jira-work", "write:jira-work");
    private static final SimSite DESK = SimSite.of("Delta Desk", "read:jira-work", "read:servicedesk-request",
            "write:servicedesk-request");

    private static final SimSite ECHO = SimSite.of("Echo", "read:jira-work", "write:jira-work");
    /** Where the integration would get the user back; the demo's browser stops before it. */
    private static final String RETURN_URL = "http://127.0.0.1:9/integration/connected";
    private static final String ERIN = "557058:erin-demo-account";

    /** One change in the simulated Atlassian, told in a sentence; {@code change} may add what came of it. */
    record Step(String story, Supplier<String> change) {}

    private static Step step(String story, Runnable change) {
        return new Step(story, () -> {
            change.run();
            return null;
        });
    }

    private final AtlassianSimulator simulator;
    private final DaemonClient grantwatch;
    private final Map<String, SimGrant> users = new LinkedHashMap<>();
    private final Map<String, Long> grantIds = new LinkedHashMap<>();
    private final List<Step> steps;
    private int next;
    private String firstConnect;

    DemoScript(AtlassianSimulator simulator, DaemonClient grantwatch) {
        this.simulator = simulator;
        this.grantwatch = grantwatch;
        this.steps = List.of(
                step("alice loses write:jira-work on Acme", () -> user("alice").setScopes(ACME.cloudId(),
                        "read:jira-work", "read:jira-user")),
                step("bob consents to one more site, Gamma", () -> user("bob").addSite(GAMMA)),
                new Step("erin connects again through grantwatch and picks Beta Wiki", () -> connect(WIKI)),
                step("carol's access token expires: grantwatch refreshes it, and nothing changes for the integration",
                        () -> user("carol").expireAccessToken()),
                step("bob's access to Gamma is revoked by a site admin", () -> user("bob").removeSite(GAMMA.cloudId())),
                step("alice gets write:jira-work on Acme back", () -> user("alice").setScopes(ACME.cloudId(),
                        ACME.scopes().toArray(String[]::new))),
                step("dave revokes the app in his Atlassian account", () -> user("dave").revoke()),
                step("dave consents again: the integration hands grantwatch his new tokens", () -> newTokens("dave")),
                step("a site admin removes Beta Wiki from erin's grant",
                        () -> simulator.grantOf(ERIN).orElseThrow().removeSite(WIKI.cloudId())));
    }

    /** Creates the users in the simulator and registers their grants; returns grant id to user name. */
    Map<Long, String> registerGrants() {
        addUser("alice", ACME);
        addUser("bob", ACME, WIKI);
        addUser("carol", CAROL);
        addUser("dave", DESK);
        Map<Long, String> names = new LinkedHashMap<>();
        firstConnect = connect(ECHO);
        grantIds.forEach((name, id) -> names.put(id, name));
        return names;
    }

    /** What erin's first connect (at registration) came back with. */
    String firstConnect() {
        return firstConnect;
    }

    /** Runs the next step of the loop and returns what it did. */
    String step() {
        Step step = steps.get(next);
        next = (next + 1) % steps.size();
        String outcome = step.change().get();
        return outcome == null ? step.story() : step.story() + ": " + outcome;
    }

    /**
     * A user connects through grantwatch's consent flow: the integration asks for the authorization
     * URL, the user's browser (here an HTTP client following redirects) consents on the simulated
     * Atlassian, which picks {@code site}, and lands back on the return URL with the outcome.
     */
    private String connect(SimSite site) {
        JsonNode started = grantwatch.post("/v1/connect", Map.of("returnUrl", RETURN_URL, "externalId", "demo-erin",
                "label", "erin's grant"));
        simulator.scriptConsent(SimConsent.approve(ERIN, site));
        Map<String, String> back = browse(started.path("authorizeUrl").asText());
        if (!"connected".equals(back.get("status"))) {
            return "it failed: " + back.get("error");
        }
        long id = Long.parseLong(back.get("grantId"));
        grantIds.put("erin", id);
        String newSites = back.get("newSites");
        String named = newSites.isEmpty() ? "none" : newSites + " (" + (newSites.equals(site.cloudId()) ? site.name() : "?") + ")";
        return "back at the integration with grantId=" + id + ", status=connected, newSites=" + named;
    }

    /** Follows redirects until the one to the return URL, whose query it answers. */
    private Map<String, String> browse(String url) {
        try (HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()) {
            String next = url;
            for (int hop = 0; hop < 5; hop++) {
                HttpResponse<Void> answer = browser.send(HttpRequest.newBuilder(URI.create(next)).build(),
                        HttpResponse.BodyHandlers.discarding());
                String location = answer.headers().firstValue("Location").orElse(null);
                if (location == null) {
                    return Map.of("status", "error", "error", "HTTP " + answer.statusCode());
                }
                if (location.startsWith(RETURN_URL)) {
                    return query(URI.create(location).getRawQuery());
                }
                next = location;
            }
            return Map.of("status", "error", "error", "too many redirects");
        } catch (IOException e) {
            return Map.of("status", "error", "error", e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of("status", "error", "error", "interrupted");
        }
    }

    private static Map<String, String> query(String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            parameters.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private void addUser(String name, SimSite... sites) {
        SimGrant grant = simulator.newGrant();
        grant.setSites(List.of(sites));
        users.put(name, grant);
        Map<String, Object> body = tokens(grant);
        body.put("externalId", "demo-" + name);
        body.put("label", name + "'s grant");
        JsonNode registered = grantwatch.post("/v1/grants", body);
        grantIds.put(name, registered.path("id").asLong());
    }

    private void newTokens(String name) {
        SimGrant grant = user(name);
        grant.consentAgain();
        grantwatch.put("/v1/grants/" + grantIds.get(name) + "/tokens", tokens(grant));
    }

    private static Map<String, Object> tokens(SimGrant grant) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accessToken", grant.accessToken());
        body.put("refreshToken", grant.refreshToken());
        body.put("expiresAt", grant.accessTokenExpiresAt().toString());
        return body;
    }

    private SimGrant user(String name) {
        return users.get(name);
    }
}
