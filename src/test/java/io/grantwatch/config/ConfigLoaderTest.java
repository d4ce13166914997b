package io.grantwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    static final String KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    static final String OLD_KEY = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";

    @TempDir
    Path dir;

    Path yaml(String text) throws Exception {
        Path file = dir.resolve("grantwatch.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void noFileGivesTheDocumentedDefaults() {
        Config config = ConfigLoader.load(null, Map.of());
        assertThat(config.polling().interval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.jdbcUrl()).startsWith("jdbc:h2:file:").contains("data");
        assertThat(config.atlassian().apiBaseUrl().toString()).isEqualTo("https://api.atlassian.com");
        assertThat(config.atlassian().authBaseUrl().toString()).isEqualTo("https://auth.atlassian.com");
        assertThat(config.atlassian().canRefresh()).isFalse();
    }

    @Test
    void theShippedConfigurationLoads() {
        Config config = ConfigLoader.load(Path.of("config/grantwatch.yaml"), Map.of());
        assertThat(config.polling().interval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.database().url()).isNull();
        assertThat(config.encryption().key()).isNull();
    }

    @Test
    void environmentVariablesOverrideEveryKey() throws Exception {
        Config config = ConfigLoader.load(yaml("polling:\n  interval: PT5M\n"), Map.of(
                "GRANTWATCH_POLLING_INTERVAL", "PT30S",
                "GRANTWATCH_DATABASE_URL", "jdbc:postgresql://db:5432/gw",
                "GRANTWATCH_HTTP_PORT", "9090",
                "GRANTWATCH_ATLASSIAN_APIBASEURL", "http://127.0.0.1:1234"));
        assertThat(config.polling().interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/gw");
        assertThat(config.http().port()).isEqualTo(9090);
        assertThat(config.atlassian().apiBaseUrl().toString()).isEqualTo("http://127.0.0.1:1234");
        assertThat(ConfigLoader.envName("atlassian.clientSecret")).isEqualTo("GRANTWATCH_ATLASSIAN_CLIENTSECRET");
    }

    @Test
    void secretsMayBeEnvironmentReferences() throws Exception {
        Config config = ConfigLoader.load(yaml("atlassian:\n  clientId: app\n  clientSecret: ${APP_SECRET}\n"
                + "http:\n  apiKey: ${API_KEY:-fallback}\n"), Map.of("APP_SECRET", "s3cret"));
        assertThat(config.atlassian().clientSecret()).isEqualTo("s3cret");
        assertThat(config.http().apiKey()).isEqualTo("fallback");
        assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("fallback");
    }

    @Test
    void anUnsetReferenceIsAnError() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("atlassian:\n  clientSecret: ${NOPE}\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("atlassian.clientSecret")
                .hasMessageContaining("NOPE");
    }

    @Test
    void referencesAreReplacedInsideValuesAndListsAndEnvironmentValuesAreTakenAsTheyAre() throws Exception {
        Config config = ConfigLoader.load(yaml("""
                database:
                  url: jdbc:postgresql://${DB_HOST:-localhost}:5432/gw
                  password: ${DB_PASSWORD}
                atlassian:
                  clientId: ${CLIENT_ID:-}
                encryption:
                  key: ${KEY}
                  previousKeys: ["${OLD_KEY}"]
                """), Map.of("DB_PASSWORD", "a${b}c", "KEY", KEY, "OLD_KEY", OLD_KEY));
        assertThat(config.database().url()).isEqualTo("jdbc:postgresql://localhost:5432/gw");
        assertThat(config.database().password()).isEqualTo("a${b}c");
        assertThat(config.atlassian().clientId()).as("${X:-} with X unset is not configured").isNull();
        assertThat(config.encryption().previousKeys()).containsExactly(OLD_KEY);
    }

    @Test
    void everyUnsetReferenceIsNamed() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("database:\n  password: ${NOPE}\n"
                + "encryption:\n  previousKeys: [\"${ALSO_NOPE}\"]\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("database.password refers to ${NOPE}, which is not set\n"
                        + "encryption.previousKeys[0] refers to ${ALSO_NOPE}, which is not set");
    }

    @Test
    void anUnknownKeyIsNamed() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("polling:\n  intervall: PT5M\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown configuration key 'polling.intervall'");
    }

    @Test
    void aBadDurationIsNamed() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("polling:\n  interval: 5 minutes\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("polling.interval")
                .hasMessageContaining("ISO-8601");
    }

    @Test
    void badValuesAreRefused() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("http:\n  port: 70000\n"), Map.of()))
                .hasMessageContaining("http.port");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("http:\n  port: eighty\n"), Map.of()))
                .hasMessageContaining("http.port");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("database:\n  url: jdbc:mysql://x/y\n"), Map.of()))
                .hasMessageContaining("database.url");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("encryption:\n  key: c2hvcnQ=\n"), Map.of()))
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("- a\n- b\n"), Map.of()))
                .hasMessageContaining("mapping");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of()))
                .hasMessageContaining("does not exist");
    }
}
