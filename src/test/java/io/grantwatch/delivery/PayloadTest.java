package io.grantwatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Json;
import io.grantwatch.db.EventRow;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PayloadTest {
    private static final Instant TIME = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void aCloudEventCarriesTheEventInStructuredMode() throws Exception {
        EventRow event = new EventRow(42, 7, "site.revoked", "c-1", TIME,
                "{\"cloudId\":\"c-1\",\"name\":\"Alpha\",\"url\":\"https://alpha.atlassian.net\",\"scopes\":[\"read:jira-work\"],"
                        + "\"reason\":\"site_removed\"}");
        JsonNode cloudEvent = Json.MAPPER.readTree(CloudEventPayload.of(event, "urn:grantwatch"));
        assertThat(cloudEvent.get("specversion").asText()).isEqualTo("1.0");
        assertThat(cloudEvent.get("id").asText()).isEqualTo("42");
        assertThat(cloudEvent.get("source").asText()).isEqualTo("urn:grantwatch");
        assertThat(cloudEvent.get("type").asText()).isEqualTo("site.revoked");
        assertThat(cloudEvent.get("subject").asText()).isEqualTo("7");
        assertThat(cloudEvent.get("time").asText()).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(cloudEvent.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(cloudEvent.get("data").get("reason").asText()).isEqualTo("site_removed");
        assertThat(cloudEvent.get("data").get("cloudId").asText()).isEqualTo("c-1");
    }

    @Test
    void aGrantEventsDataGetsItsCloudIdOnlyWhenItHasOne() throws Exception {
        JsonNode revoked = Json.MAPPER.readTree(CloudEventPayload.of(
                new EventRow(43, 7, "grant.revoked", null, TIME, "{\"reason\":\"invalid_grant\"}"), "urn:x"));
        assertThat(revoked.get("data").has("cloudId")).isFalse();
        assertThat(revoked.get("data").get("reason").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void aSlackMessageSaysWhichGrantSiteAndScopesAndWhatToDo() throws Exception {
        EventRow event = new EventRow(42, 7, "site.scopes_changed", "c-1", TIME,
                "{\"cloudId\":\"c-1\",\"scopesAdded\":[],\"scopesRemoved\":[\"write:jira-work\"],\"scopes\":[\"read:jira-work\"]}");
        String text = Json.MAPPER.readTree(SlackMessage.of(event, new SlackMessage.GrantLabel("Ann <ann@x>", "u-1")))
                .get("text").asText();
        assertThat(text).contains("grant 7").contains("Ann &lt;ann@x&gt;").contains("externalId u-1").contains("c-1")
                .contains("removed `write:jira-work`").contains("ask the user to reconnect");

        String revoked = Json.MAPPER.readTree(SlackMessage.of(new EventRow(44, 7, "site.revoked", "c-1", TIME,
                "{\"cloudId\":\"c-1\",\"name\":\"Alpha\",\"url\":\"https://alpha.atlassian.net\",\"scopes\":[\"read:jira-work\"],"
                        + "\"reason\":\"site_removed\"}"), null)).get("text").asText();
        assertThat(revoked).contains("*Alpha*").contains("https://alpha.atlassian.net").contains("`read:jira-work`")
                .contains("ask the user to reconnect");
    }

    @Test
    void everyEventTypeHasAMessage() throws Exception {
        for (io.grantwatch.core.EventType type : io.grantwatch.core.EventType.values()) {
            String text = Json.MAPPER.readTree(SlackMessage.of(new EventRow(1, 2, type.wireName(), null, TIME, "{}"), null))
                    .get("text").asText();
            assertThat(text).as(type.wireName()).contains("grant 2").doesNotStartWith("grantwatch: ");
        }
    }
}
