package io.grantwatch.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.Application;
import io.grantwatch.cli.Main;
import io.grantwatch.config.ConfigException;
import io.grantwatch.crypto.TokenCipher;
import io.grantwatch.crypto.TokenCipherException;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.AppHarness;
import io.grantwatch.testing.TestDatabase;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptionTest {
    @TempDir
    Path dataDir;

    static byte[] key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private Path emptyConfig() throws java.io.IOException {
        Path file = dataDir.resolve("empty.yaml");
        Files.writeString(file, "{}\n");
        return file;
    }

    @Test
    void aTokenRoundTripsWithAFreshNonceEachTime() {
        TokenCipher cipher = new TokenCipher(List.of(key()));
        String first = cipher.encrypt("secret-token");
        String second = cipher.encrypt("secret-token");
        assertThat(first).isNotEqualTo(second).startsWith("v1." + cipher.currentKeyId() + ".").doesNotContain("secret");
        assertThat(cipher.decrypt(first)).isEqualTo("secret-token");
        assertThat(cipher.encrypt(null)).isNull();
    }

    @Test
    void anUnknownKeyOrADamagedValueIsAClearErrorWithoutTheValue() {
        TokenCipher one = new TokenCipher(List.of(key()));
        TokenCipher other = new TokenCipher(List.of(key()));
        String sealed = one.encrypt("secret-token");
        assertThatThrownBy(() -> other.decrypt(sealed)).isInstanceOf(TokenCipherException.class)
                .hasMessageContaining("not configured").hasMessageNotContaining("secret");
        String damaged = sealed.substring(0, sealed.length() - 4) + "AAAA";
        assertThatThrownBy(() -> one.decrypt(damaged)).isInstanceOf(TokenCipherException.class)
                .hasMessageContaining("cannot be decrypted");
        assertThatThrownBy(() -> one.decrypt("plain-text-token")).isInstanceOf(TokenCipherException.class)
                .hasMessageNotContaining("plain-text-token");
    }

    @Test
    void theEmbeddedDefaultGeneratesAKeyFileOnceAndStartsWithItAgain() throws Exception {
        try (AtlassianSimulator simulator = AtlassianSimulator.start(); TestDatabase database = TestDatabase.h2()) {
            Map<String, String> env = AppHarness.environment(database, simulator, dataDir);
            env.remove("GRANTWATCH_ENCRYPTION_KEY");
            try (Application app = AppHarness.start(env)) {
                assertThat(app.port()).isPositive();
            }
            Path keyFile = dataDir.resolve("encryption.key");
            String generated = Files.readString(keyFile);
            assertThat(Base64.getDecoder().decode(generated.trim())).hasSize(32);
            try (Application app = AppHarness.start(env)) {
                assertThat(Files.readString(keyFile)).isEqualTo(generated);
            }
        }
    }

    @Test
    void aServerDatabaseNeedsAConfiguredKey() {
        try (AtlassianSimulator simulator = AtlassianSimulator.start()) {
            Map<String, String> env = AppHarness.environment(TestDatabase.unreachablePostgres(), simulator, dataDir);
            env.remove("GRANTWATCH_ENCRYPTION_KEY");
            assertThatThrownBy(() -> AppHarness.start(env)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("encryption.key is required");
        }
    }

    @Test
    void aMissingKeyStopsStartUpAndRotationReencryptsEveryToken() throws Exception {
        byte[] oldKey = key();
        byte[] newKey = key();
        String oldBase64 = Base64.getEncoder().encodeToString(oldKey);
        String newBase64 = Base64.getEncoder().encodeToString(newKey);
        try (AtlassianSimulator simulator = AtlassianSimulator.start(); TestDatabase database = TestDatabase.h2()) {
            Map<String, String> env = AppHarness.environment(database, simulator, dataDir);
            env.put("GRANTWATCH_ENCRYPTION_KEY", oldBase64);
            List<SimGrant> grants = List.of(simulator.newGrant(), simulator.newGrant(), simulator.newGrant());
            try (Application app = AppHarness.start(env)) {
                ApiClient api = new ApiClient(app.port(), AppHarness.API_KEY);
                for (SimGrant grant : grants) {
                    grant.setSites(List.of(SimSite.of("Alpha", "read:jira-work")));
                    assertThat(api.post("/v1/grants", Map.of("accessToken", grant.accessToken(), "refreshToken",
                            grant.refreshToken())).status()).isEqualTo(201);
                }
            }

            env.put("GRANTWATCH_ENCRYPTION_KEY", newBase64);
            assertThatThrownBy(() -> AppHarness.start(env)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(TokenCipher.keyId(oldKey)).hasMessageContaining("not configured");

            env.put("GRANTWATCH_ENCRYPTION_PREVIOUSKEYS", oldBase64);
            try (Application app = AppHarness.start(env)) {
                Jdbi jdbi = Jdbi.create(app.database().dataSource());
                TokenCipher both = new TokenCipher(List.of(newKey, oldKey));
                assertThat(new Reencryption(jdbi, both, 2).remaining()).isEqualTo(3);
                // The command, as an operator runs it while the daemon is up.
                StringWriter out = new StringWriter();
                Main.Io io = new Main.Io(InputStream.nullInputStream(), new PrintWriter(out, true), new PrintWriter(out, true), env);
                assertThat(Main.execute(io, "tokens", "reencrypt", "--batch-size", "2", "--config", emptyConfig().toString()))
                        .as(out.toString()).isZero();
                assertThat(out.toString()).contains("Re-encrypted the tokens of 3 grants").contains("0 left");
                List<String> stored = jdbi.withHandle(handle ->
                        handle.createQuery("SELECT access_token FROM grants").mapTo(String.class).list());
                TokenCipher onlyNew = new TokenCipher(List.of(newKey));
                assertThat(stored).allSatisfy(value -> assertThat(onlyNew.decrypt(value)).startsWith("sim-at-"));
            }

            env.remove("GRANTWATCH_ENCRYPTION_PREVIOUSKEYS");
            try (Application app = AppHarness.start(env)) {
                ApiClient api = new ApiClient(app.port(), AppHarness.API_KEY);
                assertThat(api.post("/v1/grants/1/check", null).json().get("status").asText()).isEqualTo("HEALTHY");
            }
        }
    }
}
