package io.grantwatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.GrantwatchExtension;
import io.grantwatch.testing.Receiver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Webhooks end to end: the real application on a real database, grants changing in the Atlassian
 * simulator, and receivers on loopback that accept, refuse, stall and recover. Extended once per
 * database. Each test subscribes to its own grants, so that the tests do not hear each other.
 */
abstract class WebhookContract {
    static final String API_KEY = "webhook-test-key";
    static final Duration MAX_WAIT = Duration.ofSeconds(20);
    static final SimSite ALPHA = SimSite.of("Alpha", "read:jira-work", "write:jira-work");
    static final List<String> SCOPES = List.of("read:jira-work", "write:jira-work", "read:jira-user", "manage:jira-project");

    @RegisterExtension
    static final GrantwatchExtension grantwatch = GrantwatchExtension.create()
            .env("GRANTWATCH_HTTP_APIKEY", API_KEY)
            .env("GRANTWATCH_DELIVERY_INITIALBACKOFF", "PT0.05S")
            .env("GRANTWATCH_DELIVERY_MAXBACKOFF", "PT0.2S")
            .env("GRANTWATCH_DELIVERY_MAXATTEMPTS", "4")
            .env("GRANTWATCH_DELIVERY_REQUESTTIMEOUT", "PT0.5S")
            .env("GRANTWATCH_DELIVERY_POLLINTERVAL", "PT0.1S")
            .env("GRANTWATCH_DELIVERY_LEASE", "PT3S");

    final List<Receiver> receivers = new ArrayList<>();

    @AfterEach
    void stopReceivers() {
        receivers.forEach(Receiver::close);
    }

    // ---- helpers ----

    Receiver receiver() {
        Receiver receiver = Receiver.start();
        receivers.add(receiver);
        return receiver;
    }

    record Subscribed(long id, String secret) {}

    static Subscribed subscribe(Map<String, Object> body) {
        ApiClient.Response response = grantwatch.api().post("/v1/webhooks", body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return new Subscribed(response.json().get("id").asLong(), response.json().get("secret").asText());
    }

    static Subscribed subscribe(Receiver receiver, SimGrantRef... grants) {
        return subscribe(Map.of("url", receiver.url(), "grantIds", List.of(grants).stream().map(SimGrantRef::id).toList()));
    }

    /** A grant in the simulator and in grantwatch, checked and healthy. */
    record SimGrantRef(SimGrant sim, long id) {
        /** Changes the grant's scopes on its one site and checks it: one site.scopes_changed. */
        void changeScopes(int round) {
            sim.setScopes(ALPHA.cloudId(), SCOPES.get(round % SCOPES.size()), SCOPES.get((round + 1) % SCOPES.size()));
            assertThat(grantwatch.api().post("/v1/grants/" + id + "/check", null).status()).isEqualTo(200);
        }
    }

    static SimGrantRef grant() {
        SimGrant sim = grantwatch.simulator().newGrant();
        sim.setSites(List.of(ALPHA));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accessToken", sim.accessToken());
        body.put("expiresIn", 3600);
        body.put("label", "user " + sim.id());
        ApiClient.Response created = grantwatch.api().post("/v1/grants", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        await().atMost(MAX_WAIT).until(() -> grantwatch.api().get("/v1/grants/" + id).json().get("status").asText().equals("HEALTHY"));
        return new SimGrantRef(sim, id);
    }

    static List<Long> feedIds(long grantId) {
        List<Long> ids = new ArrayList<>();
        grantwatch.api().get("/v1/events?limit=1000&grantId=" + grantId).json().get("events").forEach(event -> ids.add(event.get("id").asLong()));
        return ids;
    }

    static List<Long> eventIds(List<Receiver.Request> requests) {
        return requests.stream().map(Receiver.Request::eventId).toList();
    }

    static List<JsonNode> deliveries(long webhookId) {
        List<JsonNode> log = new ArrayList<>();
        grantwatch.api().get("/v1/webhooks/" + webhookId + "/deliveries?limit=1000").json().get("deliveries").forEach(log::add);
        return log.reversed();
    }

    static JsonNode webhook(long id) {
        return grantwatch.api().get("/v1/webhooks/" + id).json();
    }

    static void assertError(ApiClient.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().get("error").asText()).as(response.body()).isEqualTo(code);
        assertThat(response.json().get("message").asText()).isNotBlank();
    }

    // ---- the contract ----

    @Test
    void subscriptionsAreValidatedAndTheirSecretIsShownOnlyOnce() {
        SimGrantRef grant = grant();
        assertError(grantwatch.api().post("/v1/webhooks", Map.of("url", "ftp://example.com/x")), 400, "invalid_field");
        assertError(grantwatch.api().post("/v1/webhooks", Map.of("url", "/relative")), 400, "invalid_field");
        assertError(grantwatch.api().post("/v1/webhooks", Map.of("types", List.of("site.granted"))), 400, "missing_field");
        assertError(grantwatch.api().post("/v1/webhooks", Map.of("url", "https://x.example", "types", List.of("site.exploded"))), 400,
                "invalid_field");
        assertError(grantwatch.api().post("/v1/webhooks", Map.of("url", "https://x.example", "types", "site.granted")), 400,
                "invalid_field");
        assertError(grantwatch.api().post("/v1/webhooks", Map.of("url", "https://x.example", "grantIds", List.of(99_999_999))), 400,
                "invalid_field");
        assertError(grantwatch.api().post("/v1/webhooks", Map.of("url", "https://x.example", "format", "teams")), 400, "invalid_field");
        assertError(grantwatch.api().post("/v1/webhooks", Map.of("url", "https://x.example", "secret", "mine")), 400, "unknown_field");
        assertError(grantwatch.api().post("/v1/webhooks", "{not json"), 400, "malformed_body");
        assertError(grantwatch.api().get("/v1/webhooks/123456789"), 404, "not_found");
        assertError(grantwatch.api().get("/v1/webhooks/abc/deliveries"), 404, "not_found");
        assertError(grantwatch.api().delete("/v1/webhooks/123456789"), 404, "not_found");
        assertError(grantwatch.api().get("/v1/webhooks?limit=0"), 400, "invalid_parameter");
        assertError(new ApiClient(grantwatch.app().port(), null).get("/v1/webhooks"), 401, "unauthorized");

        Subscribed created = subscribe(Map.of("url", "https://hooks.example.com/in", "types", List.of("site.revoked"),
                "grantIds", List.of(grant.id())));
        assertThat(created.secret()).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(created.secret().substring(6)).length).isGreaterThanOrEqualTo(24);
        assertError(grantwatch.api().post("/v1/webhooks/" + created.id() + "/redeliver?from=-3", null), 400, "invalid_cursor");
        assertError(grantwatch.api().post("/v1/webhooks/" + created.id() + "/redeliver?from=999999999", null), 400, "invalid_parameter");

        String listed = grantwatch.api().get("/v1/webhooks?limit=1000").body();
        assertThat(listed).contains("https://hooks.example.com/in").doesNotContain(created.secret()).doesNotContain("whsec_");
        JsonNode view = webhook(created.id());
        assertThat(view.get("types")).hasSize(1);
        assertThat(view.get("failing").asBoolean()).isFalse();
        assertThat(view.has("secret")).isFalse();

        assertThat(grantwatch.api().delete("/v1/webhooks/" + created.id()).status()).isEqualTo(204);
        assertError(grantwatch.api().get("/v1/webhooks/" + created.id()), 404, "not_found");
        assertThat(grantwatch.api().get("/v1/webhooks?limit=1000").body()).doesNotContain("https://hooks.example.com/in");
    }

    @Test
    void eventsArriveSignedAsCloudEventsInOrderPerGrantAndExactlyOnce() {
        Receiver receiver = receiver();
        SimGrantRef first = grant();
        SimGrantRef second = grant();
        Subscribed subscription = subscribe(receiver, first, second);
        List<Long> before = new ArrayList<>(feedIds(first.id()));
        before.addAll(feedIds(second.id()));
        for (int round = 1; round <= 4; round++) {
            first.changeScopes(round);
            second.changeScopes(round);
        }
        List<Long> expected = new ArrayList<>(feedIds(first.id()));
        expected.addAll(feedIds(second.id()));
        expected.removeAll(before);
        expected.sort(null);
        assertThat(expected).hasSize(8);

        await().atMost(MAX_WAIT).until(() -> receiver.requests().size() >= 8);
        List<Receiver.Request> received = receiver.requests();
        assertThat(eventIds(received)).containsExactlyElementsOf(expected);

        Receiver.Request request = received.getFirst();
        assertThat(request.header("content-type")).isEqualTo("application/cloudevents+json");
        JsonNode cloudEvent = request.json();
        assertThat(cloudEvent.get("specversion").asText()).isEqualTo("1.0");
        assertThat(cloudEvent.get("source").asText()).isEqualTo("urn:grantwatch");
        assertThat(cloudEvent.get("type").asText()).isEqualTo("site.scopes_changed");
        assertThat(cloudEvent.get("subject").asText()).isEqualTo(String.valueOf(first.id()));
        assertThat(cloudEvent.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(Instant.parse(cloudEvent.get("time").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(cloudEvent.get("data").get("cloudId").asText()).isEqualTo(ALPHA.cloudId());
        assertThat(cloudEvent.get("data").get("scopes")).isNotEmpty();
        for (Receiver.Request each : received) {
            assertThat(each.header("webhook-id")).isEqualTo("msg_" + subscription.id() + "_" + each.eventId());
            assertThat(Long.parseLong(each.header("webhook-timestamp"))).isCloseTo(Instant.now().getEpochSecond(),
                    org.assertj.core.data.Offset.offset(60L));
            assertThat(each.header("webhook-signature")).isEqualTo(WebhookSecrets.signatureHeader(
                    List.of(subscription.secret()), each.header("webhook-id"),
                    Long.parseLong(each.header("webhook-timestamp")), each.body()));
        }
        assertThat(StandardWebhooksVerifier.verify(subscription.secret(), received)).containsOnly("ok");

        // The log row commits just after the receiver answered.
        await().atMost(MAX_WAIT).until(() -> deliveries(subscription.id()).size() >= 8);
        List<JsonNode> log = deliveries(subscription.id());
        assertThat(log).hasSize(8).allSatisfy(attempt -> {
            assertThat(attempt.get("outcome").asText()).isEqualTo("delivered");
            assertThat(attempt.get("attempt").asInt()).isEqualTo(1);
            assertThat(attempt.get("statusCode").asInt()).isEqualTo(204);
            assertThat(attempt.get("latencyMs").asLong()).isGreaterThanOrEqualTo(0);
        });
        await().atMost(MAX_WAIT).until(() -> webhook(subscription.id()).get("deliveredThrough").asLong() >= expected.getLast());
    }

    @Test
    void aFailingReceiverIsRetriedWithTheSameMessageIdUntilItRecovers() {
        Receiver receiver = receiver();
        AtomicInteger calls = new AtomicInteger();
        receiver.behave(request -> calls.incrementAndGet() <= 2 ? Receiver.Answer.status(500) : Receiver.Answer.OK);
        SimGrantRef grant = grant();
        Subscribed subscription = subscribe(receiver, grant);
        grant.changeScopes(1);
        grant.changeScopes(2);
        List<Long> events = feedIds(grant.id()).subList(1, 3);

        await().atMost(MAX_WAIT).until(() -> receiver.requests().size() >= 4);
        List<Receiver.Request> received = receiver.requests();
        assertThat(eventIds(received)).containsExactly(events.get(0), events.get(0), events.get(0), events.get(1));
        assertThat(received.subList(0, 3)).extracting(request -> request.header("webhook-id")).containsOnly(
                "msg_" + subscription.id() + "_" + events.get(0));

        await().atMost(MAX_WAIT).until(() -> deliveries(subscription.id()).size() >= 4);
        List<JsonNode> log = deliveries(subscription.id());
        assertThat(log).extracting(attempt -> attempt.get("outcome").asText())
                .containsExactly("failed", "failed", "delivered", "delivered");
        assertThat(log).extracting(attempt -> attempt.get("attempt").asInt()).containsExactly(1, 2, 3, 1);
        assertThat(log.getFirst().get("statusCode").asInt()).isEqualTo(500);
        assertThat(log.getFirst().get("error").asText()).startsWith("HTTP 500");
        assertThat(webhook(subscription.id()).get("failing").asBoolean()).isFalse();
    }

    @Test
    void aStalledReceiverTimesOutAndDelaysNeitherOtherReceiversNorChecks() {
        Receiver stalled = receiver();
        stalled.behave(request -> Receiver.Answer.after(Duration.ofSeconds(5)));
        Receiver healthy = receiver();
        SimGrantRef grant = grant();
        Subscribed slow = subscribe(stalled, grant);
        subscribe(healthy, grant);

        for (int round = 1; round <= 3; round++) {
            long started = System.nanoTime();
            grant.changeScopes(round);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> healthy.requests().size() >= 3);
        await().atMost(MAX_WAIT).until(() -> deliveries(slow.id()).size() >= 2);
        JsonNode attempt = deliveries(slow.id()).getFirst();
        assertThat(attempt.get("outcome").asText()).isEqualTo("timeout");
        assertThat(attempt.get("latencyMs").asLong()).isBetween(400L, 3_000L);
        assertThat(attempt.get("statusCode").isNull()).isTrue();
    }

    @Test
    void afterMaxAttemptsASubscriptionIsFailingUntilRedelivered() {
        Receiver receiver = receiver();
        receiver.behave(request -> Receiver.Answer.status(503));
        SimGrantRef grant = grant();
        Subscribed subscription = subscribe(receiver, grant);
        grant.changeScopes(1);
        await().atMost(MAX_WAIT).until(() -> webhook(subscription.id()).get("failing").asBoolean());
        assertThat(deliveries(subscription.id())).hasSize(4);
        assertThat(webhook(subscription.id()).get("lastError").asText()).startsWith("HTTP 503");
        assertThat(grantwatch.api().get("/metrics").body()).contains("grantwatch_webhook_subscriptions_failing")
                .contains("grantwatch_webhook_gave_up_total");

        // A second subscriber to the same grant: once it has the new event, the failing one would have had it too.
        Receiver witness = receiver();
        subscribe(witness, grant);
        grant.changeScopes(2);
        List<Long> events = feedIds(grant.id()).subList(1, 3);
        await().atMost(MAX_WAIT).until(() -> witness.requests().size() >= 1);
        assertThat(eventIds(witness.requests())).containsExactly(events.get(1));
        assertThat(receiver.requests()).hasSize(4);

        receiver.behave(request -> Receiver.Answer.OK);
        ApiClient.Response resumed = grantwatch.api().post("/v1/webhooks/" + subscription.id() + "/redeliver", null);
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        assertThat(resumed.json().get("failing").asBoolean()).isFalse();
        await().atMost(MAX_WAIT).until(() -> receiver.requests().size() >= 6);
        assertThat(eventIds(receiver.requests()).subList(4, 6)).containsExactlyElementsOf(events);

        // From an earlier event: both are sent again, with the webhook-ids they had.
        assertThat(grantwatch.api().post("/v1/webhooks/" + subscription.id() + "/redeliver?from=" + events.get(0), null).status())
                .isEqualTo(200);
        await().atMost(MAX_WAIT).until(() -> receiver.requests().size() >= 8);
        List<Receiver.Request> again = receiver.requests().subList(6, 8);
        assertThat(eventIds(again)).containsExactlyElementsOf(events);
        assertThat(again.getFirst().header("webhook-id")).isEqualTo(receiver.requests().get(4).header("webhook-id"));
    }

    @Test
    void aRotatedSecretSignsBesideTheOldOne() {
        Receiver receiver = receiver();
        SimGrantRef grant = grant();
        Subscribed subscription = subscribe(receiver, grant);
        ApiClient.Response rotated = grantwatch.api().post("/v1/webhooks/" + subscription.id() + "/rotate-secret", null);
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String newSecret = rotated.json().get("secret").asText();
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(subscription.secret());

        grant.changeScopes(1);
        await().atMost(MAX_WAIT).until(() -> receiver.requests().size() >= 1);
        Receiver.Request request = receiver.requests().getFirst();
        assertThat(request.header("webhook-signature").split(" ")).hasSize(2);
        assertThat(StandardWebhooksVerifier.verify(newSecret, List.of(request))).containsExactly("ok");
        assertThat(StandardWebhooksVerifier.verify(subscription.secret(), List.of(request))).containsExactly("ok");
    }

    @Test
    void slackSubscriptionsPostAMessageForPeople() {
        Receiver receiver = receiver();
        SimGrantRef grant = grant();
        subscribe(Map.of("url", receiver.url(), "format", "slack", "grantIds", List.of(grant.id())));
        grant.sim.removeSite(ALPHA.cloudId());
        grantwatch.api().post("/v1/grants/" + grant.id() + "/check", null);
        await().atMost(MAX_WAIT).until(() -> receiver.requests().size() >= 1);
        Receiver.Request request = receiver.requests().getFirst();
        assertThat(request.header("content-type")).isEqualTo("application/json");
        String text = request.json().get("text").asText();
        assertThat(text).contains("grant " + grant.id()).contains("user " + grant.sim().id()).contains("Alpha")
                .contains(ALPHA.url()).contains("read:jira-work").contains("ask the user to reconnect");
        assertThat(webhook(subscription(receiver)).get("url").asText()).doesNotContain("/hook");
    }

    @Test
    void typeFiltersHoldAndDeletedSubscriptionsHearNothingMore() {
        Receiver receiver = receiver();
        SimGrantRef grant = grant();
        Subscribed subscription = subscribe(Map.of("url", receiver.url(), "types", List.of("site.revoked"),
                "grantIds", List.of(grant.id())));
        // The same subscription, never deleted: what it hears, the deleted one would have heard by then.
        Receiver witness = receiver();
        subscribe(Map.of("url", witness.url(), "types", List.of("site.revoked"), "grantIds", List.of(grant.id())));
        grant.changeScopes(1);
        grant.sim.removeSite(ALPHA.cloudId());
        grantwatch.api().post("/v1/grants/" + grant.id() + "/check", null);
        await().atMost(MAX_WAIT).until(() -> receiver.requests().size() >= 1);
        assertThat(receiver.requests()).singleElement().satisfies(request ->
                assertThat(request.json().get("type").asText()).isEqualTo("site.revoked"));
        String metrics = grantwatch.api().get("/metrics").body();
        assertThat(metrics).contains("grantwatch_webhook_attempts_total{outcome=\"delivered\"}")
                .contains("grantwatch_webhook_lag_events").contains("grantwatch_webhook_duration_seconds");

        assertThat(grantwatch.api().delete("/v1/webhooks/" + subscription.id()).status()).isEqualTo(204);
        grant.sim.addSite(ALPHA);
        grantwatch.api().post("/v1/grants/" + grant.id() + "/check", null);
        grant.sim.removeSite(ALPHA.cloudId());
        grantwatch.api().post("/v1/grants/" + grant.id() + "/check", null);
        await().atMost(MAX_WAIT).until(() -> witness.requests().size() >= 2);
        assertThat(receiver.requests()).hasSize(1);
    }

    private static long subscription(Receiver receiver) {
        for (JsonNode webhook : grantwatch.api().get("/v1/webhooks?limit=1000").json().get("webhooks")) {
            if (webhook.get("format").asText().equals("slack") && webhook.get("url").asText().startsWith("http://127.0.0.1:"
                    + receiver.url().split(":")[2].split("/")[0])) {
                return webhook.get("id").asLong();
            }
        }
        throw new AssertionError("no slack webhook for " + receiver.url());
    }

}
