package io.grantwatch.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Webhook meters: attempts by outcome and their duration, subscriptions given up on, how many are
 * failing now, and how far the slowest subscription is behind the feed. Thread-safe.
 */
final class DeliveryMetrics {
    private final MeterRegistry registry;
    private final Timer duration;
    private final Counter gaveUp;
    private final AtomicLong lag = new AtomicLong();
    private final AtomicLong failing = new AtomicLong();

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duration = Timer.builder("grantwatch.webhook.duration")
                .description("Time of one delivery attempt, until the receiver's answer or the timeout")
                .register(registry);
        this.gaveUp = Counter.builder("grantwatch.webhook.gave.up")
                .description("Subscriptions marked failing after delivery.maxAttempts failed attempts at one event")
                .register(registry);
        Gauge.builder("grantwatch.webhook.lag", lag, AtomicLong::get)
                .description("Events in the feed after the cursor of the subscription furthest behind")
                .baseUnit("events")
                .register(registry);
        Gauge.builder("grantwatch.webhook.subscriptions.failing", failing, AtomicLong::get)
                .description("Subscriptions that stopped after too many failures, waiting for a redeliver")
                .register(registry);
    }

    void attempted(WebhookSender.Result result) {
        Counter.builder("grantwatch.webhook.attempts")
                .description("Delivery attempts by outcome: delivered, failed (not 2xx, or a network error), timeout")
                .tag("outcome", result.outcome())
                .register(registry)
                .increment();
        duration.record(result.latency());
    }

    void gaveUp() {
        gaveUp.increment();
    }

    void observed(long lagEvents, long failingSubscriptions) {
        lag.set(lagEvents);
        failing.set(failingSubscriptions);
    }
}
