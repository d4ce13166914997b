package io.grantwatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiUrlsTest {
    static final String API = "https://api.atlassian.com";

    @Test
    void eachProductTheScopesNameGetsItsBaseUrl() {
        assertThat(ApiUrls.of(API, "c1", List.of("read:jira-work", "read:confluence-content.all"))).containsExactly(
                Map.entry("jira", "https://api.atlassian.com/ex/jira/c1"),
                Map.entry("confluence", "https://api.atlassian.com/ex/confluence/c1"));
        assertThat(ApiUrls.of(API, "c1", List.of("read:servicedesk-request"))).containsOnlyKeys("jira");
        assertThat(ApiUrls.of(API, "c1", List.of("read:page:confluence"))).containsOnlyKeys("confluence");
        assertThat(ApiUrls.of(API, "c1", List.of("read:me", "offline_access"))).isEmpty();
        assertThat(ApiUrls.of("http://127.0.0.1:9/", "c1", List.of("READ:JIRA-WORK")))
                .containsExactly(Map.entry("jira", "http://127.0.0.1:9/ex/jira/c1"));
    }

    @Test
    void siteEventsThatNameScopesCarryThemAndOthersStayAsTheyAre() {
        NewEvent granted = new NewEvent(EventType.SITE_GRANTED, "c1", Map.of("cloudId", "c1", "scopes", List.of("read:jira-work")));
        assertThat(ApiUrls.addTo(granted, API).data().get("apiUrls")).isEqualTo(Map.of("jira", "https://api.atlassian.com/ex/jira/c1"));
        NewEvent restored = new NewEvent(EventType.GRANT_RESTORED, null, Map.of("previousStatus", "REVOKED"));
        assertThat(ApiUrls.addTo(restored, API)).isSameAs(restored);
        NewEvent updated = new NewEvent(EventType.SITE_UPDATED, "c1", Map.of("cloudId", "c1"));
        assertThat(ApiUrls.addTo(updated, API)).isSameAs(updated);
    }
}
