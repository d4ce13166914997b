package io.grantwatch.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Application;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimConsent;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.AppHarness;
import io.grantwatch.testing.Browser;
import io.grantwatch.testing.DaemonProcess;
import io.grantwatch.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two grantwatch nodes on one PostgreSQL database: a flow begun on one node finishes on the other,
 * and of two callbacks with one state, on two nodes at once, exactly one succeeds.
 */
class ConnectTwoNodePostgresTest {
    static final String RETURN_URL = "https://integration.example.com/back";
    static final SimSite SITE = SimSite.of("Two Nodes", "read:jira-work");

    @TempDir
    Path dataDir;

    AtlassianSimulator simulator;
    TestDatabase database;
    Application first;
    Application second;
    String secondCallback;
    final Browser browser = new Browser();

    @BeforeEach
    void start() {
        simulator = AtlassianSimulator.start();
        database = TestDatabase.postgres();
        int firstPort = DaemonProcess.freePort();
        int secondPort = DaemonProcess.freePort();
        // Behind a load balancer both nodes share one callback URL; here it leads to the second node.
        secondCallback = "http://127.0.0.1:" + secondPort + "/connect/callback";
        first = AppHarness.start(environment(firstPort, "first"));
        second = AppHarness.start(environment(secondPort, "second"));
    }

    Map<String, String> environment(int port, String node) {
        Map<String, String> env = AppHarness.withRefresh(AppHarness.environment(database, simulator, dataDir.resolve(node)), simulator);
        env.put("GRANTWATCH_HTTP_PORT", Integer.toString(port));
        env.put("GRANTWATCH_ATLASSIAN_REDIRECTURI", secondCallback);
        env.put("GRANTWATCH_ATLASSIAN_SCOPES", "read:jira-work read:me");
        return env;
    }

    @AfterEach
    void stop() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
        database.close();
        simulator.close();
    }

    JsonNode startOnFirst() {
        ApiClient.Response started = new ApiClient(first.port(), AppHarness.API_KEY).post("/v1/connect", Map.of("returnUrl", RETURN_URL));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        return started.json();
    }

    @Test
    void aFlowBegunOnOneNodeFinishesOnTheOther() {
        simulator.scriptConsent(SimConsent.approve("acc-nodes", SITE));

        Browser.Page last = browser.followUntil(startOnFirst().get("authorizeUrl").asText(), RETURN_URL);

        assertThat(last.location()).startsWith(RETURN_URL + "?");
        Map<String, String> back = last.parameters();
        assertThat(back).containsEntry("status", "connected").containsEntry("newSites", SITE.cloudId());
        JsonNode grant = new ApiClient(first.port(), AppHarness.API_KEY).get("/v1/grants/" + back.get("grantId")).json();
        assertThat(grant.get("accountId").asText()).isEqualTo("acc-nodes");
        assertThat(grant.get("status").asText()).isEqualTo("HEALTHY");
    }

    @Test
    void twoCallbacksWithOneStateOnTwoNodesCannotBothSucceed() throws Exception {
        simulator.scriptConsent(SimConsent.approve("acc-race", SITE));
        Browser.Page atlassian = browser.get(startOnFirst().get("authorizeUrl").asText());
        String query = atlassian.location().substring(atlassian.location().indexOf('?'));
        List<String> callbacks = List.of(secondCallback + query, "http://127.0.0.1:" + first.port() + "/connect/callback" + query);

        List<Browser.Page> pages = new ArrayList<>();
        try (ExecutorService browsers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Browser.Page>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String callback = callbacks.get(i % 2);
                answers.add(browsers.submit((Callable<Browser.Page>) () -> new Browser().get(callback)));
            }
            for (Future<Browser.Page> answer : answers) {
                pages.add(answer.get());
            }
        }

        assertThat(pages).filteredOn(page -> page.status() == 302).hasSize(1);
        assertThat(pages).filteredOn(page -> page.status() == 400).hasSize(5);
        assertThat(simulator.authorizationCodeExchanges()).isEqualTo(1);
    }
}
