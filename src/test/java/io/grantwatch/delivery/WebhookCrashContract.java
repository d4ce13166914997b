package io.grantwatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.DaemonProcess;
import io.grantwatch.testing.Receiver;
import io.grantwatch.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real grantwatch process, with a webhook from its YAML file, killed with SIGKILL while it
 * delivers: after the restart every event still arrives, in feed order, and the only repeats are
 * of what was in flight at the kill, with the webhook-ids they had. Extended once per database.
 */
abstract class WebhookCrashContract {
    private static final String API_KEY = "crash-key";
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "a webhook secret of 32 bytes ...".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    private static final int GRANTS = 6;
    private static final List<String> SCOPES = List.of("read:jira-work", "write:jira-work", "read:jira-user",
            "manage:jira-project");

    @TempDir
    Path dir;

    abstract TestDatabase newDatabase();

    /** How many deliveries may be repeated after a kill: those whose commit the database had not made durable. */
    abstract int repeatsAllowed();

    @Test
    void aKilledDaemonLosesNoDeliveryAndRepeatsOnlyTheOneInFlight() throws Exception {
        try (AtlassianSimulator simulator = AtlassianSimulator.start(); TestDatabase database = newDatabase();
                Receiver receiver = Receiver.start()) {
            // Slow enough that the kill lands in the middle of the deliveries.
            receiver.behave(request -> Receiver.Answer.after(Duration.ofMillis(60)));
            int port = DaemonProcess.freePort();
            Path config = writeConfig(database, simulator, receiver, port);
            Path log = Path.of("target", getClass().getSimpleName() + "-daemon.log");
            Files.deleteIfExists(log);
            ApiClient api = new ApiClient(port, API_KEY);
            DaemonProcess daemon = DaemonProcess.start(config, port, log);
            try {
                List<SimGrant> sims = new ArrayList<>();
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < GRANTS; i++) {
                    SimGrant sim = simulator.newGrant();
                    sim.setSites(List.of(SimSite.of("crash-" + i + "-a", "read:jira-work"),
                            SimSite.of("crash-" + i + "-b", "read:jira-work")));
                    ApiClient.Response created = api.post("/v1/grants", Map.of("accessToken", sim.accessToken(),
                            "expiresIn", 3600, "externalId", "crash-" + i));
                    assertThat(created.status()).as(created.body()).isEqualTo(201);
                    sims.add(sim);
                    ids.add(created.json().get("id").asLong());
                }
                Random random = new Random(3);
                changeEveryGrant(api, sims, ids, random, 3);
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests().size() >= 8);
                assertThat(feedIds(api).size()).isGreaterThan(receiver.requests().size());

                daemon.kill();
                int beforeRestart = receiver.requests().size();
                daemon = DaemonProcess.start(config, port, log);
                changeEveryGrant(api, sims, ids, random, 2);

                List<Long> feed = feedIds(api);
                await().atMost(Duration.ofSeconds(90)).until(() -> distinctEventIds(receiver).size() >= feed.size());
                List<Receiver.Request> received = receiver.requests();
                assertThat(distinctEventIds(receiver)).as("first deliveries in feed order").containsExactlyElementsOf(feed);
                int repeats = received.size() - feed.size();
                assertThat(repeats).as("repeats after a kill").isLessThanOrEqualTo(repeatsAllowed());
                Map<Long, Set<String>> messageIds = new HashMap<>();
                for (Receiver.Request request : received) {
                    messageIds.computeIfAbsent(request.eventId(), id -> new LinkedHashSet<>()).add(request.header("webhook-id"));
                }
                assertThat(messageIds.values()).allSatisfy(names -> assertThat(names).hasSize(1));
                assertThat(StandardWebhooksVerifier.verify(SECRET, received)).containsOnly("ok");
                assertThat(beforeRestart).isLessThan(feed.size());
            } finally {
                daemon.kill();
            }
            assertThat(Files.readString(log)).doesNotContain(SECRET).doesNotContain("sim-at-");
        }
    }

    private static void changeEveryGrant(ApiClient api, List<SimGrant> sims, List<Long> ids, Random random, int rounds) {
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < sims.size(); i++) {
                SimGrant sim = sims.get(i);
                String cloudId = SimSite.of("crash-" + i + "-" + (random.nextBoolean() ? "a" : "b")).cloudId();
                sim.setScopes(cloudId, SCOPES.get(round % SCOPES.size()), SCOPES.get((round + 1 + i) % SCOPES.size()));
                ApiClient.Response checked = api.post("/v1/grants/" + ids.get(i) + "/check", null);
                assertThat(checked.status()).as(checked.body()).isEqualTo(200);
            }
        }
    }

    private static List<Long> feedIds(ApiClient api) {
        List<Long> ids = new ArrayList<>();
        api.get("/v1/events?limit=1000").json().get("events").forEach(event -> ids.add(event.get("id").asLong()));
        return ids;
    }

    private static List<Long> distinctEventIds(Receiver receiver) {
        return receiver.requests().stream().map(Receiver.Request::eventId).distinct().toList();
    }

    private Path writeConfig(TestDatabase database, AtlassianSimulator simulator, Receiver receiver, int port)
            throws Exception {
        byte[] key = new byte[32];
        new Random(11).nextBytes(key);
        Path file = dir.resolve("grantwatch.yaml");
        Files.writeString(file, """
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
                  interval: PT1H
                http:
                  port: %d
                  host: 127.0.0.1
                  apiKey: %s
                encryption:
                  key: %s
                webhooks:
                  - url: %s
                    secret: ${CRASH_TEST_SECRET:-%s}
                delivery:
                  initialBackoff: PT0.05S
                  maxBackoff: PT0.5S
                  maxAttempts: 1000
                  requestTimeout: PT2S
                  pollInterval: PT0.1S
                  lease: PT2S
                """.formatted(dir.resolve("data"), database.url(), database.username(), database.password(),
                simulator.baseUrl(), simulator.baseUrl(), port, API_KEY, Base64.getEncoder().encodeToString(key),
                receiver.url(), SECRET));
        return file;
    }
}
