package io.grantwatch.testing;

import io.grantwatch.Application;
import io.grantwatch.config.ConfigLoader;
import io.grantwatch.simulator.AtlassianSimulator;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts the real {@link Application} against a test database and the simulator, configured the
 * way an operator would: through {@code GRANTWATCH_*} variables. Tests add or change keys.
 */
public final class AppHarness {
    public static final String API_KEY = "test-api-key";
    public static final String ENCRYPTION_KEY = Base64.getEncoder().encodeToString(new byte[32]);

    private AppHarness() {}

    public static Map<String, String> environment(TestDatabase database, AtlassianSimulator simulator, Path dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("GRANTWATCH_DATABASE_URL", database.url());
        env.put("GRANTWATCH_DATABASE_USERNAME", database.username());
        env.put("GRANTWATCH_DATABASE_PASSWORD", database.password());
        env.put("GRANTWATCH_DATADIR", dataDir.toString());
        env.put("GRANTWATCH_ENCRYPTION_KEY", ENCRYPTION_KEY);
        env.put("GRANTWATCH_ATLASSIAN_APIBASEURL", simulator.baseUrl().toString());
        env.put("GRANTWATCH_ATLASSIAN_AUTHBASEURL", simulator.baseUrl().toString());
        env.put("GRANTWATCH_ATLASSIAN_REQUESTTIMEOUT", "PT1S");
        env.put("GRANTWATCH_HTTP_PORT", "0");
        env.put("GRANTWATCH_HTTP_HOST", "127.0.0.1");
        env.put("GRANTWATCH_HTTP_APIKEY", API_KEY);
        // Long enough that the dispatchers stay out of the way: tests check on demand unless they say otherwise.
        env.put("GRANTWATCH_POLLING_INTERVAL", "PT1H");
        // One answer is the truth here; RemovalConfirmationTest covers the confirmation.
        env.put("GRANTWATCH_POLLING_REMOVALCONFIRMDELAY", "PT0S");
        return env;
    }

    /** Adds the simulator's OAuth app, so that grantwatch can refresh tokens. */
    public static Map<String, String> withRefresh(Map<String, String> env, AtlassianSimulator simulator) {
        env.put("GRANTWATCH_ATLASSIAN_CLIENTID", simulator.clientId());
        env.put("GRANTWATCH_ATLASSIAN_CLIENTSECRET", simulator.clientSecret());
        return env;
    }

    public static Application start(Map<String, String> env) {
        return Application.start(ConfigLoader.fromEnvironment(env), Clock.systemUTC());
    }
}
