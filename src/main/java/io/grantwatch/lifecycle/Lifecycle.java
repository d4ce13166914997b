package io.grantwatch.lifecycle;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts components in the order they were registered and stops them in reverse, once. Every stop
 * is attempted even when an earlier one fails, so that one broken component cannot leave threads
 * of the others running in the JVM; a failed start stops everything registered before rethrowing.
 * Thread-safe.
 */
public final class Lifecycle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final List<Component> components = new ArrayList<>();
    private boolean started;
    private boolean stopped;

    private record Component(String name, Managed managed) {}

    /** Registers a component right after it is built; it is stopped with the others even if it never started. */
    public synchronized <T> T manage(String name, T built, Managed managed) {
        if (stopped) {
            stopQuietly(name, managed);
            throw new IllegalStateException("the lifecycle has stopped; " + name + " cannot join it");
        }
        components.add(new Component(name, managed));
        return built;
    }

    /** Registers a resource that is live since its construction and only needs closing at the end. */
    public <T extends AutoCloseable> T closing(String name, T resource) {
        return manage(name, resource, Managed.closing(resource));
    }

    /** Starts every registered component in order; when one fails, stops them all and rethrows its failure. */
    public synchronized void start() {
        if (started || stopped) {
            throw new IllegalStateException(stopped ? "the lifecycle has stopped" : "the lifecycle has started already");
        }
        started = true;
        for (Component component : components) {
            try {
                component.managed().start();
            } catch (Exception e) {
                RuntimeException failure = e instanceof RuntimeException runtime
                        ? runtime
                        : new IllegalStateException("cannot start " + component.name() + ": " + e.getMessage(), e);
                abort(failure);
                throw failure;
            }
        }
    }

    /** Stops everything because start-up failed with {@code failure}, which collects what went wrong while stopping. */
    public void abort(Throwable failure) {
        try {
            close();
        } catch (RuntimeException stopFailure) {
            failure.addSuppressed(stopFailure);
        }
    }

    /**
     * Stops every component in reverse order of registration, the first time only. Throws the first
     * failure, with the later ones suppressed in it, after all of them were attempted.
     */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        RuntimeException first = null;
        for (int i = components.size() - 1; i >= 0; i--) {
            Component component = components.get(i);
            try {
                component.managed().stop();
            } catch (Exception e) {
                log.warn("Stopping {} failed; stopping the rest", component.name(), e);
                if (first == null) {
                    first = e instanceof RuntimeException runtime
                            ? runtime
                            : new IllegalStateException("cannot stop " + component.name() + ": " + e.getMessage(), e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void stopQuietly(String name, Managed managed) {
        try {
            managed.stop();
        } catch (Exception e) {
            log.warn("Stopping {} failed", name, e);
        }
    }
}
