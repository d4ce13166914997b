package io.grantwatch.cli;

import io.grantwatch.demo.Demo;
import java.net.BindException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"A self-contained demonstration: a simulated Atlassian on loopback, grantwatch on an in-memory "
                + "database, a few grants that change every few seconds, and the events printed as they happen. "
                + "Needs no Atlassian account and no network."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "the address the API listens on (default ${DEFAULT-VALUE}; 0.0.0.0 in a container)")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "the API's port, 0 for any free one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--duration", paramLabel = "DURATION", description = "stop after this long (ISO-8601, such as PT2M); default: at Ctrl-C")
    Duration duration;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "PT3S",
            description = "how often grantwatch checks each grant (default ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = "--step-every", paramLabel = "DURATION", defaultValue = "PT4S",
            description = "how often the script changes a grant (default ${DEFAULT-VALUE})")
    Duration stepEvery;

    @Override
    public Integer call() {
        Main.Io io = Main.io(spec);
        if (interval.compareTo(Duration.ofSeconds(1)) < 0 || stepEvery.compareTo(Duration.ofMillis(100)) < 0) {
            throw new ParameterException(spec.commandLine(), "--interval must be at least PT1S and --step-every at least PT0.1S");
        }
        Demo.Options options = new Demo.Options(host, port, interval, stepEvery);
        Demo demo;
        try {
            demo = Demo.start(options);
        } catch (RuntimeException e) {
            if (causedBy(e, BindException.class)) {
                throw new ParameterException(spec.commandLine(), "port " + port + " is taken; choose another with --port, or --port 0");
            }
            throw e;
        }
        try (demo) {
            StopSignals.onStop(demo::stop);
            demo.run(options, duration, io.out());
        }
        io.out().println("The demo is over; everything it made was in memory and is gone.");
        return Main.OK;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
