package io.grantwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    void theShippedFileSetsNoValueOfItsOwnAndItsCommentsShowTheDefaults() throws Exception {
        Path shipped = Path.of("config/grantwatch.yaml");
        Config defaults = ConfigLoader.fromEnvironment(Map.of());
        assertThat(ConfigLoader.load(shipped, Map.of())).isEqualTo(defaults);

        // "  # interval: PT5M" under "polling:" must be what polling.interval is without it.
        Pattern commentedKey = Pattern.compile("(\\s*)# (\\w+): (\\S.*)");
        String section = "";
        int shown = 0;
        for (String line : Files.readAllLines(shipped)) {
            if (line.matches("\\w+:.*")) {
                section = line.substring(0, line.indexOf(':'));
            }
            Matcher matcher = commentedKey.matcher(line);
            if (!matcher.matches()) {
                continue;
            }
            boolean topLevel = matcher.group(1).isEmpty();
            String key = topLevel ? matcher.group(2) : section + "." + matcher.group(2);
            if (!ConfigLoader.keyPaths().contains(key) || valueAt(defaults, key) == null) {
                continue; // prose, or an example of a key that has no default
            }
            String alone = topLevel ? line.substring(2) : section + ":\n  " + matcher.group(2) + ": " + matcher.group(3);
            assertThat(valueAt(ConfigLoader.load(yaml(alone), Map.of()), key)).as(line).isEqualTo(valueAt(defaults, key));
            shown++;
        }
        assertThat(shown).isEqualTo(35);
    }

    private static Object valueAt(Object config, String key) throws Exception {
        Object value = config;
        for (String part : key.split("\\.")) {
            Object section = value;
            RecordComponent component = Arrays.stream(section.getClass().getRecordComponents())
                    .filter(candidate -> candidate.getName().equals(part)).findFirst().orElseThrow();
            value = component.getAccessor().invoke(section);
        }
        return value;
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
    void apiKeysAreCheckedAtLoadNamingTheEntryAndNeverTheKey() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("""
                http:
                  apiKeys:
                    - {name: dashboard, key: the-secret-one, roles: [read]}
                    - {name: backend, key: "sha256:abc", roles: [read]}
                """), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("http.apiKeys[1].key starts with sha256: and must go on with the 64 hex digits of a SHA-256");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("""
                http:
                  apiKeys:
                    - {name: dashboard, key: the-secret-one, roles: [reader]}
                """), Map.of()))
                .hasMessage("http.apiKeys[0].roles holds an unknown role; known: read, write, tokens, admin");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("""
                http:
                  apiKey: the-secret-one
                  apiKeys:
                    - {name: dashboard, key: the-secret-one, roles: [read]}
                """), Map.of()))
                .hasMessageContaining("http.apiKeys holds the same key twice").hasMessageNotContaining("the-secret-one");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("audit:\n  retention: PT1M\n"), Map.of()))
                .hasMessage("audit.retention must be at least PT1H");
        Config config = ConfigLoader.load(yaml("""
                http:
                  apiKeys:
                    - {name: dashboard, key: the-secret-one, roles: [read]}
                """), Map.of());
        assertThat(config.toString()).doesNotContain("the-secret-one").contains("dashboard");
        assertThat(config.audit().retention()).isEqualTo(java.time.Duration.ofDays(90));
        assertThat(config.delivery().allowPrivateNetworks()).isTrue();
        assertThat(config.database().connectionTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
    }

    @Test
    void everyBadValueIsReportedAtItsKeySortedAndWithoutTheValue() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("""
                polling:
                  batchSize: 0
                  interval: PT0.5S
                tokens:
                  keepAliveInterval: PT5M
                http:
                  apiKey: "   "
                  port: -1
                encryption:
                  previousKeys: [c2VjcmV0LW9sZC1rZXk=]
                """), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("""
                        encryption.previousKeys needs encryption.key: the key tokens are encrypted with now
                        encryption.previousKeys[0] must be the base64 of 32 bytes, not 14
                        http.apiKey is set but empty
                        http.port must be between 0 and 65535
                        polling.batchSize must be at least 1
                        polling.interval must be at least PT1S
                        tokens.keepAliveInterval must be at least PT1H""");
    }

    @Test
    void aValueThatCannotBeReadIsNotRepeated() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("http:\n  port: ${PORT}\n"), Map.of("PORT", "hunter2")))
                .hasMessageContaining("http.port").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("encryption:\n  key: [hunter2\n"), Map.of()))
                .hasMessageContaining("not valid YAML").hasMessageContaining("line").hasMessageNotContaining("hunter2");
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
