package io.grantwatch.testing;

import io.grantwatch.Application;
import io.grantwatch.access.ApiKeys;
import io.grantwatch.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Starts the daemon with the recommended split of API keys ({@code http.apiKeys} in a YAML file,
 * the rest from {@link AppHarness#environment}): the integration's backend, the dashboard and an
 * operator, plus one key per single role and the old {@code http.apiKey} (every role).
 */
public final class KeyedDaemon {
    public static final String READ = "key-read";
    public static final String WRITE = "key-write";
    public static final String TOKENS = "key-tokens";
    public static final String ADMIN = "key-admin";
    public static final String BACKEND = "key-backend";

    private KeyedDaemon() {}

    public static Application start(Map<String, String> env, Path folder) {
        Path file = folder.resolve("grantwatch.yaml");
        String yaml = """
                http:
                  apiKeys:
                    - {name: reader, key: %s, roles: [read]}
                    - {name: writer, key: %s, roles: [write]}
                    - {name: tokens, key: %s, roles: [tokens]}
                    - {name: operator, key: %s, roles: [admin]}
                    - {name: backend, key: "%s", roles: [read, write, tokens]}
                """.formatted(READ, WRITE, TOKENS, ADMIN, ApiKeys.hashed(BACKEND));
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Application.start(ConfigLoader.load(file, env), Clock.systemUTC());
    }
}
