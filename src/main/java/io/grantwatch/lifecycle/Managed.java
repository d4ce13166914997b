package io.grantwatch.lifecycle;

/**
 * A component with threads or resources that {@link Lifecycle} starts and stops. {@code stop()} is
 * called on every registered component, started or not, because building one often takes resources
 * already (a pool, Quartz's threads, an HTTP client); it must therefore be safe before {@code start()}.
 */
public interface Managed {
    default void start() throws Exception {}

    void stop() throws Exception;

    /** A resource that is live from its construction on and only needs closing. */
    static Managed closing(AutoCloseable resource) {
        return resource::close;
    }

    static Managed of(Runnable start, AutoCloseable stop) {
        return new Managed() {
            @Override
            public void start() {
                start.run();
            }

            @Override
            public void stop() throws Exception {
                stop.close();
            }
        };
    }
}
