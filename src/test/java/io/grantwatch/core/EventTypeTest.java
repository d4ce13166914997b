package io.grantwatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EventTypeTest {
    @Test
    void wireNamesAreTheOnesOfTheContract() {
        assertThat(Arrays.stream(EventType.values()).map(EventType::wireName)).containsExactly(
                "site.granted", "site.revoked", "site.scopes_changed", "site.updated",
                "grant.revoked", "grant.restored", "grant.degraded", "grant.recovered",
                "grant.token_expired", "grant.expiring", "grant.connected");
    }

    @Test
    void everyWireNameReadsBackAndNothingElseDoes() {
        for (EventType type : EventType.values()) {
            assertThat(EventType.fromWireName(type.wireName())).contains(type);
        }
        assertThat(EventType.fromWireName("SITE_GRANTED")).isEmpty();
        assertThat(EventType.fromWireName("site.deleted")).isEmpty();
        assertThat(EventType.fromWireName(null)).isEmpty();
    }
}
