package io.grantwatch.cli;

import io.grantwatch.client.EventTail;
import io.grantwatch.client.EventFormat;
import io.grantwatch.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "events", mixinStandardHelpOptions = true, description = "Reads the event feed.",
        subcommands = {EventsCommand.Tail.class})
final class EventsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Main.missingSubcommand(spec);
    }

    @Command(name = "tail", mixinStandardHelpOptions = true,
            description = {"Prints events as they happen, one a line (with --json, one JSON object a line).",
                    "Starts after the newest event unless --from-start or --after says otherwise."},
            footer = {"%nExamples:%n  grantwatch events tail --from-start --no-follow",
                    "  grantwatch events tail --grant 3 --type site.revoked --type grant.revoked"})
    static final class Tail implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions daemon;

        @Option(names = "--from-start", description = "start with the oldest event")
        boolean fromStart;

        @Option(names = "--after", paramLabel = "CURSOR", description = "start after this event id (a cursor saved earlier)")
        Long after;

        @Option(names = "--type", paramLabel = "TYPE", description = "only events of this type (repeatable), such as site.revoked")
        List<String> types = new ArrayList<>();

        @Option(names = "--grant", paramLabel = "GRANT", description = "only events of this grant")
        Long grantId;

        @Option(names = "--no-follow", description = "print the events there are and stop")
        boolean noFollow;

        @Option(names = "--count", paramLabel = "N", description = "stop after N events")
        Integer count;

        @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "PT30S",
                description = "how long each request waits for new events (ISO-8601, at most PT60S; default ${DEFAULT-VALUE})")
        Duration wait;

        @Override
        public Integer call() {
            Main.Io io = Main.io(spec);
            if (fromStart && after != null) {
                throw new ParameterException(spec.commandLine(), "give --from-start or --after, not both");
            }
            if (wait.isNegative() || wait.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new ParameterException(spec.commandLine(), "--wait must be from PT0S to PT60S");
            }
            if (count != null && count < 1) {
                throw new ParameterException(spec.commandLine(), "--count must be at least 1");
            }
            EventTail tail = new EventTail(daemon.client(io.env()), grantId, types, wait);
            long cursor = fromStart ? 0 : after != null ? after : tail.end();
            EventFormat format = new EventFormat();
            int[] printed = {0};
            tail.follow(cursor, !noFollow, null, event -> {
                io.out().println(daemon.json ? Json.write(event) : format.line(event));
                io.out().flush();
                printed[0]++;
                return count == null || printed[0] < count;
            });
            return Main.OK;
        }
    }
}
