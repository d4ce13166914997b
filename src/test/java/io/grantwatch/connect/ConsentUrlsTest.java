package io.grantwatch.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsentUrlsTest {
    @Test
    void theAuthorizationUrlHasAtlassiansParametersInOrder() {
        String url = ConsentUrls.authorizeUrl(URI.create("https://auth.atlassian.com/"), "my-client",
                List.of("read:jira-work", "offline_access"), URI.create("https://gw.example.com/connect/callback"), "s-1");
        assertThat(url).isEqualTo("https://auth.atlassian.com/authorize?audience=api.atlassian.com&client_id=my-client"
                + "&scope=read%3Ajira-work%20offline_access&redirect_uri=https%3A%2F%2Fgw.example.com%2Fconnect%2Fcallback"
                + "&state=s-1&response_type=code&prompt=consent");
    }

    @Test
    void scopesAreSplitDeduplicatedAndGetOfflineAccess() {
        assertThat(ConsentUrls.scopes(List.of("read:jira-work write:jira-work", "read:jira-work", " read:me ")))
                .contains(List.of("read:jira-work", "write:jira-work", "read:me", "offline_access"));
        assertThat(ConsentUrls.scopes(List.of("offline_access", "read:me"))).contains(List.of("offline_access", "read:me"));
        assertThat(ConsentUrls.scopes(List.of())).isEmpty();
        assertThat(ConsentUrls.scopes(List.of("offline_access"))).isEmpty();
        assertThatThrownBy(() -> ConsentUrls.scopes(List.of("read\"me"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void returnUrlsAreAbsoluteHttpWithoutAFragment() {
        assertThat(ConsentUrls.returnUrl("https://app.example.com/back?x=1")).isPresent();
        assertThat(ConsentUrls.returnUrl("HTTP://app.example.com")).isPresent();
        for (String bad : new String[] {null, "", "/back", "ftp://a/b", "javascript:alert(1)", "https://", "https://a/b#c",
                "https://a/b c", "x".repeat(2001)}) {
            assertThat(ConsentUrls.returnUrl(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void theOutcomeIsAddedToTheReturnUrlsQuery() {
        assertThat(ConsentUrls.connected("https://a/back", 7, List.of("c1", "c2")))
                .isEqualTo("https://a/back?grantId=7&status=connected&newSites=c1,c2");
        assertThat(ConsentUrls.connected("https://a/back?x=1", 7, List.of())).isEqualTo("https://a/back?x=1&grantId=7&status=connected&newSites=");
        assertThat(ConsentUrls.failed("https://a/back", "access_denied")).isEqualTo("https://a/back?status=error&error=access_denied");
    }

    @Test
    void statesAreLongRandomAndStoredAsTheirHash() {
        Set<String> states = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            states.add(ConsentUrls.newState());
        }
        assertThat(states).hasSize(1000).allMatch(state -> state.matches("[A-Za-z0-9_-]{43}"));
        String state = states.iterator().next();
        assertThat(ConsentUrls.hash(state)).hasSize(64).isEqualTo(ConsentUrls.hash(state)).doesNotContain(state);
    }
}
