package io.grantwatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.client.DaemonClient;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's cast and what happens to them: four users whose grants the simulated Atlassian keeps,
 * registered with grantwatch, and a loop of changes, each undone a few steps later so that the
 * loop can run forever. Not thread-safe: one thread runs the steps.
 */
final class DemoScript {
    private static final SimSite ACME = SimSite.of("Acme", "read:jira-work", "write:jira-work", "read:jira-user");
    private static final SimSite WIKI = SimSite.of("Beta Wiki", "read:confluence-content.all", "write:confluence-content");
    private static final SimSite GAMMA = SimSite.of("Gamma", "read:jira-work", "read:jira-user");
    private static final SimSite CAROL = SimSite.of("Carol Co", "read:jira-work", "write:jira-work");
    private static final SimSite DESK = SimSite.of("Delta Desk", "read:jira-work", "read:servicedesk-request",
            "write:servicedesk-request");

    /** One change in the simulated Atlassian, told in a sentence. */
    record Step(String story, Runnable change) {}

    private final AtlassianSimulator simulator;
    private final DaemonClient grantwatch;
    private final Map<String, SimGrant> users = new LinkedHashMap<>();
    private final Map<String, Long> grantIds = new LinkedHashMap<>();
    private final List<Step> steps;
    private int next;

    DemoScript(AtlassianSimulator simulator, DaemonClient grantwatch) {
        this.simulator = simulator;
        this.grantwatch = grantwatch;
        this.steps = List.of(
                new Step("alice loses write:jira-work on Acme", () -> user("alice").setScopes(ACME.cloudId(),
                        "read:jira-work", "read:jira-user")),
                new Step("bob consents to one more site, Gamma", () -> user("bob").addSite(GAMMA)),
                new Step("carol's access token expires: grantwatch refreshes it, and nothing changes for the integration",
                        () -> user("carol").expireAccessToken()),
                new Step("bob's access to Gamma is revoked by a site admin", () -> user("bob").removeSite(GAMMA.cloudId())),
                new Step("alice gets write:jira-work on Acme back", () -> user("alice").setScopes(ACME.cloudId(),
                        ACME.scopes().toArray(String[]::new))),
                new Step("dave revokes the app in his Atlassian account", () -> user("dave").revoke()),
                new Step("dave consents again: the integration hands grantwatch his new tokens", () -> newTokens("dave")));
    }

    /** Creates the users in the simulator and registers their grants; returns grant id to user name. */
    Map<Long, String> registerGrants() {
        addUser("alice", ACME);
        addUser("bob", ACME, WIKI);
        addUser("carol", CAROL);
        addUser("dave", DESK);
        Map<Long, String> names = new LinkedHashMap<>();
        grantIds.forEach((name, id) -> names.put(id, name));
        return names;
    }

    /** Runs the next step of the loop and returns what it did. */
    String step() {
        Step step = steps.get(next);
        next = (next + 1) % steps.size();
        step.change().run();
        return step.story();
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
