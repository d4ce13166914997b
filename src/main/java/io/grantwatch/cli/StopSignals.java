package io.grantwatch.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request to stop. Left to the JVM, they run the shutdown hooks and end
 * the process with 143 or 130 whatever the hooks did; handled here, the daemon closes itself and
 * exits with 0, which is what service managers and orchestrators read as a clean stop.
 * {@code sun.misc.Signal} is the JDK's supported-but-internal API for this (module jdk.unsupported).
 */
final class StopSignals {
    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {}

    static void onStop(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    log.info("SIG{} received: stopping", name);
                    stop.run();
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // The JVM keeps this signal (say, -Xrs): the shutdown hook still closes the daemon, with the JVM's exit code.
                log.debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
    }
}
