package io.grantwatch.cli;

import io.grantwatch.Application;
import io.grantwatch.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Starts the daemon; SIGTERM or Ctrl-C stops it gracefully: checks in flight finish, the "
                + "scheduler stops, the database pool closes, and the exit code is 0."})
final class RunCommand implements Callable<Integer> {
    /** After this, a shutdown that hangs (a database that stopped answering) gives up, with exit code 1. */
    static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (default: config/grantwatch.yaml if present)")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        Main.Io io = Main.io(spec);
        Application application = Application.start(ConfigLoader.load(config, io.env()), Clock.systemUTC());
        AtomicBoolean closing = new AtomicBoolean();
        Runnable closeOnce = () -> {
            if (closing.compareAndSet(false, true)) {
                application.close();
            }
        };
        // For exits that are not SIGTERM or SIGINT (SIGHUP, System.exit elsewhere), the JVM's own hook path.
        Runtime.getRuntime().addShutdownHook(new Thread(closeOnce, "grantwatch-shutdown"));
        CountDownLatch stopRequested = new CountDownLatch(1);
        StopSignals.onStop(stopRequested::countDown);
        stopRequested.await();

        Thread closer = Thread.ofPlatform().name("grantwatch-close").start(closeOnce);
        closer.join(SHUTDOWN_LIMIT);
        if (closer.isAlive()) {
            io.err().println("grantwatch: the graceful shutdown did not finish within " + SHUTDOWN_LIMIT + "; stopping anyway");
            return Main.NEGATIVE;
        }
        return Main.OK;
    }
}
