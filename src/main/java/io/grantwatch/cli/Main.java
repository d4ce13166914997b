package io.grantwatch.cli;

import io.grantwatch.Application;
import io.grantwatch.config.Config;
import io.grantwatch.config.ConfigException;
import io.grantwatch.config.ConfigLoader;
import io.grantwatch.db.Database;
import io.grantwatch.db.DatabaseUnavailableException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line. Exit codes: 0 ok, 1 a negative answer, 2 usage, 3 daemon or database unreachable. */
@Command(name = "grantwatch", mixinStandardHelpOptions = true, version = "grantwatch 0.1.0",
        description = "Watches what Atlassian OAuth 2.0 (3LO) grants can reach, and says when it changes.",
        subcommands = {Main.Run.class, Main.Db.class})
public final class Main {
    public static final int OK = 0;
    public static final int NEGATIVE = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println("grantwatch: configuration error: " + e.getMessage());
                return USAGE;
            }
            if (e instanceof DatabaseUnavailableException) {
                cmd.getErr().println("grantwatch: " + e.getMessage());
                return UNREACHABLE;
            }
            throw e;
        });
        return commandLine.execute(args);
    }

    static Config loadConfig(Path file) {
        return ConfigLoader.load(file, System.getenv());
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Starts the daemon.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--config", description = "YAML configuration (default: config/grantwatch.yaml if present)")
        Path config;

        @Override
        public Integer call() throws InterruptedException {
            Application application = Application.start(loadConfig(config), Clock.systemUTC());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                application.close();
                stopped.countDown();
            }, "grantwatch-shutdown"));
            stopped.await();
            return OK;
        }
    }

    @Command(name = "db", mixinStandardHelpOptions = true, description = "Database maintenance.",
            subcommands = {Db.Migrate.class})
    static final class Db {
        @Command(name = "migrate", mixinStandardHelpOptions = true, description = "Brings the schema up to date and exits.")
        static final class Migrate implements Callable<Integer> {
            @Option(names = "--config", description = "YAML configuration")
            Path config;

            @Override
            public Integer call() {
                try (Database database = Database.open(loadConfig(config))) {
                    database.migrate();
                }
                System.out.println("The database schema is up to date.");
                return OK;
            }
        }
    }
}
