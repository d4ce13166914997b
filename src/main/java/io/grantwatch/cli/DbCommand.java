package io.grantwatch.cli;

import io.grantwatch.config.ConfigLoader;
import io.grantwatch.db.Database;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "db", mixinStandardHelpOptions = true, description = "Database maintenance.",
        subcommands = {DbCommand.Migrate.class})
final class DbCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Main.missingSubcommand(spec);
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, description = "Brings the schema up to date and exits.")
    static final class Migrate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (default: config/grantwatch.yaml if present)")
        Path config;

        @Override
        public Integer call() {
            Main.Io io = Main.io(spec);
            try (Database database = Database.open(ConfigLoader.load(config, io.env()))) {
                database.migrate();
            }
            io.out().println("The database schema is up to date.");
            return Main.OK;
        }
    }
}
