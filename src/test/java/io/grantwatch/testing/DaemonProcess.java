package io.grantwatch.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * grantwatch as a real process ({@code grantwatch run --config FILE}), on this JVM's classpath, so
 * that a test can kill it with SIGKILL the way an operating system would, and start it again.
 */
public final class DaemonProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private DaemonProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the daemon and waits until its /health answers 200. */
    public static DaemonProcess start(Path config, int port, Path log) {
        return start(config, port, log, Map.of());
    }

    /** Starts the daemon with these environment variables added to this JVM's, and waits until /health answers 200. */
    public static DaemonProcess start(Path config, int port, Path log, Map<String, String> env) {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.grantwatch.cli.Main", "run", "--config", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        try {
            DaemonProcess daemon = new DaemonProcess(builder.start(), port);
            daemon.awaitHealthy(Duration.ofSeconds(60));
            return daemon;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start grantwatch: " + e, e);
        }
    }

    private void awaitHealthy(Duration timeout) {
        ApiClient anonymous = new ApiClient(port, null);
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("grantwatch exited with " + process.exitValue() + " during start-up");
            }
            try {
                if (anonymous.get("/health").status() == 200) {
                    return;
                }
            } catch (AssertionError notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("grantwatch did not become healthy within " + timeout);
    }

    public int port() {
        return port;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed, transactions in flight are lost. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM: the graceful shutdown path. Returns the exit code. */
    public int stop() {
        process.destroy();
        return waitFor();
    }

    private int waitFor() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
