package io.grantwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.GrantwatchExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A site that vanishes is checked once more before site.revoked, so a flapping gateway revokes nothing. */
class RemovalConfirmationTest {
    static final SimSite ALPHA = SimSite.of("Alpha", "read:jira-work");
    static final SimSite BETA = SimSite.of("Beta", "read:jira-user");
    static final Duration CONFIRM_DELAY = Duration.ofMinutes(5);

    @RegisterExtension
    static final GrantwatchExtension grantwatch = GrantwatchExtension.create()
            .settableClock()
            // So long that no regular slot falls in the minutes this test moves through: only confirmations are due.
            .env("GRANTWATCH_POLLING_INTERVAL", "P3650D")
            .env("GRANTWATCH_POLLING_REMOVALCONFIRMDELAY", CONFIRM_DELAY.toString());

    @Test
    void aRemovalCountsOnlyWhenASecondAnswerAgreesAndAFlapCountsNotAtAll() {
        ApiClient api = grantwatch.api();
        SimGrant flapping = grantwatch.simulator().newGrant();
        flapping.setSites(List.of(ALPHA, BETA));
        SimGrant removing = grantwatch.simulator().newGrant();
        removing.setSites(List.of(ALPHA, BETA));
        long flapId = register(api, flapping);
        long removeId = register(api, removing);

        flapping.removeSite(BETA.cloudId());
        removing.removeSite(BETA.cloudId());
        JsonNode pending = api.post("/v1/grants/" + flapId + "/check", null).json();
        assertThat(pending.get("sites")).hasSize(2);
        assertThat(api.post("/v1/grants/" + removeId + "/check", null).json().get("sites")).hasSize(2);
        Instant firstLook = Instant.parse(pending.get("lastCheckedAt").asText());
        flapping.addSite(BETA); // back before the second look

        // Nothing is due before the delay has passed: the second look waits for it.
        grantwatch.clock().tick(CONFIRM_DELAY.minusSeconds(1));
        assertThat(grantwatch.runDue()).isZero();
        assertThat(types(api, removeId)).doesNotContain("site.revoked");

        grantwatch.clock().tick(Duration.ofSeconds(1));
        assertThat(grantwatch.runDue()).isEqualTo(2);
        assertThat(Instant.parse(api.get("/v1/grants/" + flapId).json().get("lastCheckedAt").asText())).isAfter(firstLook);
        assertThat(types(api, removeId)).containsExactly("site.granted", "site.granted", "site.revoked");
        assertThat(types(api, flapId)).containsExactly("site.granted", "site.granted");
        assertThat(api.get("/v1/grants/" + flapId).json().get("sites")).hasSize(2);
        assertThat(api.get("/v1/grants/" + removeId).json().get("sites")).hasSize(1);
    }

    private static long register(ApiClient api, SimGrant grant) {
        long id = api.post("/v1/grants", Map.of("accessToken", grant.accessToken())).json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/grants/" + id).json().get("status").asText().equals("HEALTHY"));
        return id;
    }

    private static List<String> types(ApiClient api, long id) {
        JsonNode events = api.get("/v1/events?grantId=" + id).json().get("events");
        return StreamSupport.stream(events.spliterator(), false).map(event -> event.get("type").asText()).toList();
    }
}
