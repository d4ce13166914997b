package io.grantwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.Fault;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.DaemonProcess;
import io.grantwatch.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole story, against a real grantwatch process: grants registered, their sites and scopes
 * changed in the simulator round after round, every kind of fault injected, the daemon killed with
 * SIGKILL and stopped with SIGTERM in between. At the end the feed must hold every change exactly
 * once, nothing from reorderings or faults, nothing lost or doubled across the restarts. Extended
 * once per database.
 */
abstract class ScenarioContract {
    private static final String API_KEY = "scenario-key";
    private static final int GRANTS = 12;
    private static final int ROUNDS = 6;
    private static final List<String> SCOPES = List.of(
            "read:jira-work", "write:jira-work", "read:jira-user", "manage:jira-project", "read:confluence-content.all");
    private static final List<Fault> FAULTS = List.of(Fault.SERVER_ERROR, Fault.BAD_GATEWAY_HTML, Fault.RATE_LIMITED,
            Fault.MALFORMED_JSON, Fault.WRONG_SHAPE, Fault.SLOW, Fault.RESET);

    @TempDir
    Path dir;

    abstract TestDatabase newDatabase();

    /** What a grant should have reported: the simulator's state as we changed it, and the events so far. */
    private static final class Expected {
        final SimGrant sim;
        final Map<String, SimSite> sites = new TreeMap<>();
        final List<String> events = new ArrayList<>();
        long id;

        Expected(SimGrant sim) {
            this.sim = sim;
        }
    }

    @Test
    void everyChangeIsReportedExactlyOnceAcrossFaultsAndRestarts() throws Exception {
        Random random = new Random(42);
        try (AtlassianSimulator simulator = AtlassianSimulator.start(); TestDatabase database = newDatabase()) {
            simulator.setRetryAfter(Duration.ofMillis(300));
            simulator.setSlowDelay(Duration.ofSeconds(3));
            int port = DaemonProcess.freePort();
            Path config = writeConfig(database, simulator, port);
            // Kept in target/ so that a failure can be read after the run.
            Path log = Path.of("target", getClass().getSimpleName() + "-daemon.log");
            Files.deleteIfExists(log);
            ApiClient api = new ApiClient(port, API_KEY);
            DaemonProcess daemon = DaemonProcess.start(config, port, log);
            try {
                List<Expected> grants = new ArrayList<>();
                for (int i = 0; i < GRANTS; i++) {
                    Expected grant = new Expected(simulator.newGrant());
                    for (int s = 0; s <= i % 3; s++) {
                        SimSite site = site("site-" + i + "-" + s, random);
                        grant.sites.put(site.cloudId(), site);
                        grant.events.add("site.granted " + site.cloudId());
                    }
                    grant.sim.setSites(List.copyOf(grant.sites.values()));
                    ApiClient.Response created = api.post("/v1/grants", Map.of(
                            "accessToken", grant.sim.accessToken(), "expiresIn", 3600, "externalId", "user-" + i));
                    assertThat(created.status()).as(created.body()).isEqualTo(201);
                    grant.id = created.json().get("id").asLong();
                    grants.add(grant);
                }
                awaitFeed(api, grants);

                for (int round = 1; round <= ROUNDS; round++) {
                    java.time.Instant roundStart = java.time.Instant.now();
                    for (Expected grant : grants) {
                        mutate(grant, round, random);
                        if (random.nextInt(3) == 0) {
                            grant.sim.failNext(1 + random.nextInt(2), FAULTS.get(random.nextInt(FAULTS.size())));
                        }
                    }
                    if (round == 2) {
                        daemon.kill();
                        daemon = DaemonProcess.start(config, port, log);
                    } else if (round == 4) {
                        assertThat(daemon.stop()).as("exit code after SIGTERM").isZero();
                        daemon = DaemonProcess.start(config, port, log);
                    }
                    awaitFeed(api, grants);
                    awaitSettled(api, grants, roundStart);
                }
                // Let every grant be checked a few more times: nothing more may appear.
                long requests = simulator.accessibleResourcesRequests();
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> simulator.accessibleResourcesRequests() >= requests + 3L * GRANTS);
                for (Expected grant : grants) {
                    assertThat(feed(api, grant.id)).as("grant %d", grant.id).containsExactlyInAnyOrderElementsOf(grant.events);
                }
                assertFeedIsOrderedWithoutDuplicates(api);
            } finally {
                daemon.kill();
            }
            assertThat(Files.readString(log)).doesNotContain("sim-at-").doesNotContain("sim-rt-");
        }
    }

    private static SimSite site(String name, Random random) {
        SimSite base = SimSite.of(name);
        return base.withScopes(randomScopes(random));
    }

    private static List<String> randomScopes(Random random) {
        TreeSet<String> scopes = new TreeSet<>();
        int count = 1 + random.nextInt(SCOPES.size());
        while (scopes.size() < count) {
            scopes.add(SCOPES.get(random.nextInt(SCOPES.size())));
        }
        return List.copyOf(scopes);
    }

    /** One change to one grant, with the event it must produce. Some grants stay as they are. */
    private static void mutate(Expected grant, int round, Random random) {
        int kind = random.nextInt(5);
        List<String> ids = new ArrayList<>(grant.sites.keySet());
        if (kind == 0) {
            SimSite added = site("added-" + grant.id + "-" + round, random);
            grant.sites.put(added.cloudId(), added);
            grant.sim.addSite(added);
            grant.events.add("site.granted " + added.cloudId());
        } else if (kind == 1 && !ids.isEmpty()) {
            String removed = ids.get(random.nextInt(ids.size()));
            grant.sites.remove(removed);
            grant.sim.removeSite(removed);
            grant.events.add("site.revoked " + removed);
        } else if (kind == 2 && !ids.isEmpty()) {
            String cloudId = ids.get(random.nextInt(ids.size()));
            List<String> scopes = randomScopes(random);
            if (!new TreeSet<>(scopes).equals(new TreeSet<>(grant.sites.get(cloudId).scopes()))) {
                grant.sites.put(cloudId, grant.sites.get(cloudId).withScopes(scopes));
                grant.sim.setScopes(cloudId, scopes.toArray(String[]::new));
                grant.events.add("site.scopes_changed " + cloudId);
            }
        } else if (kind == 3 && !ids.isEmpty()) {
            String cloudId = ids.get(random.nextInt(ids.size()));
            String name = "renamed-" + round + "-" + cloudId.substring(0, 4);
            grant.sites.put(cloudId, grant.sites.get(cloudId).withName(name));
            grant.sim.rename(cloudId, name);
            grant.events.add("site.updated " + cloudId);
        }
        // kind 4, or nothing to change: the answer only comes back reordered.
    }

    private static void awaitFeed(ApiClient api, List<Expected> grants) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (Expected grant : grants) {
                if (feed(api, grant.id).size() < grant.events.size()) {
                    return false;
                }
            }
            return true;
        });
    }

    /**
     * Every grant checked successfully since the round began: the faults injected in the round are
     * used up, so that they do not add up across rounds into a (legitimate) grant.degraded.
     */
    private static void awaitSettled(ApiClient api, List<Expected> grants, java.time.Instant since) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (Expected grant : grants) {
                JsonNode view = api.get("/v1/grants/" + grant.id).json();
                JsonNode checked = view.get("lastCheckedAt");
                if (!view.get("status").asText().equals("HEALTHY") || view.get("consecutiveFailures").asInt() != 0
                        || checked.isNull() || java.time.Instant.parse(checked.asText()).isBefore(since)) {
                    return false;
                }
            }
            return true;
        });
    }

    private static List<String> feed(ApiClient api, long grantId) {
        JsonNode page = api.get("/v1/events?limit=1000&grantId=" + grantId).json();
        List<String> events = new ArrayList<>();
        for (JsonNode event : page.get("events")) {
            events.add(event.get("type").asText() + " " + event.get("cloudId").asText());
        }
        return events;
    }

    private static void assertFeedIsOrderedWithoutDuplicates(ApiClient api) {
        List<Long> ids = new ArrayList<>();
        String cursor = "0";
        while (true) {
            JsonNode page = api.get("/v1/events?limit=7&after=" + cursor).json();
            if (page.get("events").isEmpty()) {
                break;
            }
            page.get("events").forEach(event -> ids.add(event.get("id").asLong()));
            cursor = page.get("nextCursor").asText();
        }
        assertThat(ids).isSorted().doesNotHaveDuplicates();
    }

    private Path writeConfig(TestDatabase database, AtlassianSimulator simulator, int port) throws Exception {
        byte[] key = new byte[32];
        new Random(7).nextBytes(key);
        Path file = dir.resolve("grantwatch.yaml");
        String yaml = """
                dataDir: %s
                database:
                  url: "%s"
                  username: "%s"
                  password: "%s"
                atlassian:
                  apiBaseUrl: %s
                  authBaseUrl: %s
                  requestTimeout: PT1S
                polling:
                  interval: PT2S
                  dispatchPeriod: PT0.2S
                  retryBackoff: PT0.3S
                  degradedAfter: 3
                  removalConfirmDelay: PT0.5S
                http:
                  port: %d
                  host: 127.0.0.1
                  apiKey: %s
                encryption:
                  key: %s
                """.formatted(dir.resolve("data"), database.url(), database.username(), database.password(),
                simulator.baseUrl(), simulator.baseUrl(), port, API_KEY, Base64.getEncoder().encodeToString(key));
        Files.writeString(file, yaml);
        return file;
    }
}
