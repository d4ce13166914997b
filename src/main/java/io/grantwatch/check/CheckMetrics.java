package io.grantwatch.check;

import io.grantwatch.core.EventType;
import io.grantwatch.core.NewEvent;
import io.grantwatch.atlassian.RateGate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The checks' meters: checks by outcome, their latency, events by type, token refreshes. Thread-safe. */
public final class CheckMetrics {
    private final MeterRegistry registry;
    private final Timer latency;
    private final Counter valid;
    private final Counter expired;
    private final Counter revoked;
    private final Counter failed;
    private final java.util.Map<EventType, Counter> events = new java.util.EnumMap<>(EventType.class);

    public CheckMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("grantwatch.check.duration")
                .description("Time of one check, the call to Atlassian included")
                .publishPercentileHistogram()
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        // Registered once, at zero: the series exist (and rates work) before the first of each happens,
        // and counting a check costs no registry lookup on the hot path.
        this.valid = checks("valid");
        this.expired = checks("token_expired");
        this.revoked = checks("revoked");
        this.failed = checks("transient");
        for (EventType type : EventType.values()) {
            events.put(type, events(type));
        }
    }

    void checked(Outcome outcome) {
        Counter counter = switch (outcome) {
            case Outcome.Valid ignored -> valid;
            case Outcome.Expired ignored -> expired;
            case Outcome.Revoked ignored -> revoked;
            case Outcome.Transient ignored -> failed;
        };
        counter.increment();
    }

    public void emitted(NewEvent event) {
        events.get(event.type()).increment();
    }

    /** One token refresh attempt: refreshed, found_refreshed (another node had), invalid_grant, failed. */
    public void refreshed(String outcome) {
        Counter.builder("grantwatch.refreshes").description("Token refreshes by outcome").tag("outcome", outcome)
                .register(registry).increment();
    }

    private Counter checks(String outcome) {
        return Counter.builder("grantwatch.checks").description("Checks by outcome").tag("outcome", outcome).register(registry);
    }

    private Counter events(EventType type) {
        return Counter.builder("grantwatch.events").description("Events written, by type")
                .tag("type", type.wireName()).register(registry);
    }

    /** Calls held back by the rate gate, and 429 answers that closed it. */
    public void watch(RateGate gate) {
        FunctionCounter.builder("grantwatch.ratelimit.waits", gate, RateGate::waits)
                .description("Calls to Atlassian that waited for the rate gate").register(registry);
        FunctionCounter.builder("grantwatch.ratelimit.signals", gate, RateGate::signals)
                .description("429 answers from Atlassian").register(registry);
    }

    /** The checks in flight on this node, and how many the adaptive limit lets be. */
    void watchFlow(java.util.function.IntSupplier inFlight, java.util.function.IntSupplier limit) {
        io.micrometer.core.instrument.Gauge.builder("grantwatch.checks.inflight", inFlight::getAsInt)
                .description("Checks in flight on this node").register(registry);
        io.micrometer.core.instrument.Gauge.builder("grantwatch.checks.limit", limit::getAsInt)
                .description("How many checks may be in flight on this node now: demand by Little's law, up to "
                        + "polling.concurrency").register(registry);
    }

    void timed(Duration duration) {
        latency.record(duration);
    }

    public MeterRegistry registry() {
        return registry;
    }
}
