package io.grantwatch.cli;

import io.grantwatch.Json;
import io.grantwatch.client.AuditTail;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Reads the audit: who was handed a token or made a proxied call (needs an admin key).",
        subcommands = {AuditCommand.Tail.class})
final class AuditCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Main.missingSubcommand(spec);
    }

    @Command(name = "tail", mixinStandardHelpOptions = true,
            description = {"Prints audit entries as they are recorded, one a line (with --json, one JSON object a line).",
                    "Starts after the newest entry unless --from-start or --after says otherwise."},
            footer = {"%nExamples:%n  grantwatch audit tail --from-start --no-follow",
                    "  grantwatch audit tail --grant 3 --json"})
    static final class Tail implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions daemon;

        @Option(names = "--from-start", description = "start with the oldest entry")
        boolean fromStart;

        @Option(names = "--after", paramLabel = "CURSOR", description = "start after this entry id (a cursor saved earlier)")
        Long after;

        @Option(names = "--grant", paramLabel = "GRANT", description = "only entries about this grant")
        Long grantId;

        @Option(names = "--no-follow", description = "print the entries there are and stop")
        boolean noFollow;

        @Option(names = "--count", paramLabel = "N", description = "stop after N entries")
        Integer count;

        @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "PT2S",
                description = "how often to ask for new entries while following (ISO-8601; default ${DEFAULT-VALUE})")
        Duration interval;

        @Override
        public Integer call() throws InterruptedException {
            Main.Io io = Main.io(spec);
            if (fromStart && after != null) {
                throw new ParameterException(spec.commandLine(), "give --from-start or --after, not both");
            }
            if (interval.compareTo(Duration.ofMillis(100)) < 0 || interval.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new ParameterException(spec.commandLine(), "--interval must be from PT0.1S to PT10M");
            }
            if (count != null && count < 1) {
                throw new ParameterException(spec.commandLine(), "--count must be at least 1");
            }
            AuditTail tail = new AuditTail(daemon.client(io.env()), grantId, interval);
            long cursor = fromStart ? 0 : after != null ? after : tail.end();
            int[] printed = {0};
            tail.follow(cursor, !noFollow, entry -> {
                io.out().println(daemon.json ? Json.write(entry) : AuditTail.line(entry));
                io.out().flush();
                printed[0]++;
                return count == null || printed[0] < count;
            });
            return Main.OK;
        }
    }
}
