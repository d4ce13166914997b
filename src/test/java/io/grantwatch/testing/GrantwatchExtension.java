package io.grantwatch.testing;

import io.grantwatch.Application;
import io.grantwatch.config.ConfigLoader;
import io.grantwatch.simulator.AtlassianSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real application on a fresh database, polling the Atlassian simulator, with an API client:
 * started once per test class and stopped after it. Register it on a static field with
 * {@code @RegisterExtension}; the database is H2 unless the class says {@link OnPostgres}.
 *
 * <p>With {@link #settableClock()} the application and the simulator share one {@link SettableClock}:
 * tests move time with {@link SettableClock#tick} and check what has become due with
 * {@link #runDue()}, instead of sleeping or rewriting rows. Long-polls and webhook back-offs then
 * wait for the clock too, so classes that need those keep the system clock.
 *
 * <p>Not thread-safe: JUnit calls it from one thread, one class at a time.
 */
public final class GrantwatchExtension implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> extraEnv = new LinkedHashMap<>();
    private boolean refresh;
    private boolean settable;
    private Supplier<TestDatabase> databaseChoice;

    private SettableClock clock;
    private AtlassianSimulator simulator;
    private TestDatabase database;
    private Path dataDir;
    private Application app;
    private ApiClient api;

    private GrantwatchExtension() {}

    public static GrantwatchExtension create() {
        return new GrantwatchExtension();
    }

    /** Sets a {@code GRANTWATCH_*} variable on top of {@link AppHarness#environment}. */
    public GrantwatchExtension env(String key, String value) {
        extraEnv.put(key, value);
        return this;
    }

    /** Gives grantwatch the simulator's OAuth app, so that it can refresh tokens. */
    public GrantwatchExtension withRefresh() {
        refresh = true;
        return this;
    }

    public GrantwatchExtension settableClock() {
        settable = true;
        return this;
    }

    /** A database other than the class's H2 or {@link OnPostgres} one, such as an H2 file. */
    public GrantwatchExtension database(Supplier<TestDatabase> choice) {
        databaseChoice = choice;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        boolean postgres = context.getRequiredTestClass().isAnnotationPresent(OnPostgres.class);
        try {
            // Whole seconds, and the real date: the simulator's tokens and grantwatch's stored times agree from the start.
            clock = settable ? new SettableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS)) : null;
            simulator = AtlassianSimulator.start(settable ? clock : Clock.systemUTC());
            database = databaseChoice != null ? databaseChoice.get() : postgres ? TestDatabase.postgres() : TestDatabase.h2();
            dataDir = Files.createTempDirectory("grantwatch-test");
            Map<String, String> env = environment();
            app = Application.start(ConfigLoader.fromEnvironment(env), settable ? clock : Clock.systemUTC());
            api = new ApiClient(app.port(), env.get("GRANTWATCH_HTTP_APIKEY"));
        } catch (IOException e) {
            afterAll(context);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            afterAll(context);
            throw e;
        }
    }

    /** The variables the application was started with, for a test that starts another process or node on the same setup. */
    public Map<String, String> environment() {
        Map<String, String> env = AppHarness.environment(database, simulator, dataDir);
        if (settable) {
            // The dispatchers fire on Quartz's own, real time; with a clock the test moves, the test says when
            // to check (runDue) and the dispatchers' hourly firing stays out of its way.
            env.put("GRANTWATCH_POLLING_DISPATCHPERIOD", "PT1H");
        }
        if (refresh) {
            AppHarness.withRefresh(env, simulator);
        }
        env.putAll(extraEnv);
        return env;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try (AutoCloseable closeSimulator = simulator; AutoCloseable dropDatabase = database; AutoCloseable stopApp = app) {
            // closed in reverse: the application, then its database, then the simulator
        } catch (Exception e) {
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        } finally {
            app = null;
            api = null;
            database = null;
            simulator = null;
            deleteDataDir();
        }
    }

    private void deleteDataDir() {
        if (dataDir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the OS cleans it up
        }
        dataDir = null;
    }

    /** Checks every grant due at the clock's present, as the dispatchers would, and returns once the results are recorded. */
    public int runDue() {
        return app.checks().runDue();
    }

    public SettableClock clock() {
        if (clock == null) {
            throw new IllegalStateException("this test class runs on the system clock; ask for settableClock()");
        }
        return clock;
    }

    public AtlassianSimulator simulator() {
        return simulator;
    }

    public TestDatabase database() {
        return database;
    }

    public Application app() {
        return app;
    }

    public ApiClient api() {
        return api;
    }

    /** Straight to the application's database, for what the API does not show. */
    public Jdbi jdbi() {
        return Jdbi.create(app.database().dataSource());
    }
}
