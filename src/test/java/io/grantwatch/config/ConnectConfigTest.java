package io.grantwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The consent flow's keys: atlassian.redirectUri, atlassian.scopes, atlassian.connectStateTtl. */
class ConnectConfigTest {
    @Test
    void defaultsLeaveConnectingOff() {
        Config.Atlassian atlassian = ConfigLoader.fromEnvironment(Map.of()).atlassian();
        assertThat(atlassian.redirectUri()).isNull();
        assertThat(atlassian.scopes()).isEmpty();
        assertThat(atlassian.connectStateTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(atlassian.canConnect()).isFalse();
    }

    @Test
    void theEnvironmentSetsThemAndConnectingNeedsTheAppToo() {
        Map<String, String> env = Map.of(
                "GRANTWATCH_ATLASSIAN_REDIRECTURI", "https://gw.example.com/connect/callback",
                "GRANTWATCH_ATLASSIAN_SCOPES", "read:jira-work,read:me",
                "GRANTWATCH_ATLASSIAN_CONNECTSTATETTL", "PT5M");
        Config.Atlassian atlassian = ConfigLoader.fromEnvironment(env).atlassian();
        assertThat(atlassian.redirectUri()).isEqualTo(URI.create("https://gw.example.com/connect/callback"));
        assertThat(atlassian.scopes()).isEqualTo(List.of("read:jira-work", "read:me"));
        assertThat(atlassian.connectStateTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(atlassian.canConnect()).isFalse();

        Map<String, String> withApp = new java.util.HashMap<>(env);
        withApp.put("GRANTWATCH_ATLASSIAN_CLIENTID", "id");
        withApp.put("GRANTWATCH_ATLASSIAN_CLIENTSECRET", "secret");
        assertThat(ConfigLoader.fromEnvironment(withApp).atlassian().canConnect()).isTrue();
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> ConfigLoader.fromEnvironment(Map.of("GRANTWATCH_ATLASSIAN_REDIRECTURI", "/connect/callback")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("atlassian.redirectUri must be an absolute http(s) URL");
        assertThatThrownBy(() -> ConfigLoader.fromEnvironment(Map.of("GRANTWATCH_ATLASSIAN_CONNECTSTATETTL", "PT0S")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("atlassian.connectStateTtl must be at least PT1S");
    }
}
