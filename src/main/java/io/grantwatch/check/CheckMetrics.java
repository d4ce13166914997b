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

    public CheckMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("grantwatch.check.duration")
                .description("Time of one check, the call to Atlassian included")
                .publishPercentileHistogram()
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        // Registered at zero, so that the series exist (and rates work) before the first of each happens.
        for (String outcome : new String[] {"valid", "token_expired", "revoked", "transient"}) {
            checks(outcome);
        }
        for (EventType type : EventType.values()) {
            events(type);
        }
    }

    void checked(Outcome outcome) {
        String name = switch (outcome) {
            case Outcome.Valid valid -> "valid";
            case Outcome.Expired expired -> "token_expired";
            case Outcome.Revoked revoked -> "revoked";
            case Outcome.Transient failure -> "transient";
        };
        checks(name).increment();
    }

    void emitted(NewEvent event) {
        events(event.type()).increment();
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

    void timed(Duration duration) {
        latency.record(duration);
    }

    public MeterRegistry registry() {
        return registry;
    }
}
