package io.grantwatch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NewEventTest {
    @Test
    void dataIsADeepCopyThatKeepsFieldOrderAndNulls() {
        List<String> scopes = new ArrayList<>(List.of("read:jira-work"));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cloudId", "c-1");
        data.put("avatarUrl", null);
        data.put("scopes", scopes);

        NewEvent event = new NewEvent(EventType.SITE_GRANTED, "c-1", data);
        scopes.add("write:jira-work");
        data.put("late", true);

        assertThat(event.data()).containsExactly(
                entry("cloudId", "c-1"), entry("avatarUrl", null), entry("scopes", List.of("read:jira-work")));
        assertThatThrownBy(() -> ((List<?>) event.data().get("scopes")).clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void dataHoldsOnlyJsonValues() {
        assertThatThrownBy(() -> new NewEvent(EventType.GRANT_EXPIRING, null, Map.of("expiresAt", Instant.EPOCH)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Instant");
    }
}
