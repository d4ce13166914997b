package io.grantwatch.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy's meters: calls by product and status class of the site's answer, 429s by product,
 * the answers grantwatch gave instead of calling (refusals, by reason), and the time grantwatch adds
 * to a call (everything but waiting for the site and streaming its body). Thread-safe.
 */
public final class ProxyMetrics {
    /** Every reason a call can end without the site's answer; registered at zero so alerts work from the start. */
    public static final List<String> REFUSALS = List.of("grant_revoked", "site_not_granted", "scope_missing", "invalid_path",
            "payload_too_large", "token_unavailable", "site_timeout", "site_unreachable");
    private static final List<String> STATUS_CLASSES = List.of("1xx", "2xx", "3xx", "4xx", "5xx");

    private final MeterRegistry registry;
    private final Map<String, Counter> calls = new ConcurrentHashMap<>();
    private final Map<String, Counter> rateLimited = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
    private final Timer overhead;

    public ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String product : ProxyPath.PRODUCTS) {
            for (String statusClass : STATUS_CLASSES) {
                calls.put(product + statusClass, Counter.builder("grantwatch.proxy.calls")
                        .description("Proxied site API calls, by product and the status class of the site's answer")
                        .tag("product", product).tag("status", statusClass).register(registry));
            }
            rateLimited.put(product, Counter.builder("grantwatch.proxy.rate.limited")
                    .description("429 answers from site APIs, passed on to the caller").tag("product", product).register(registry));
        }
        for (String reason : REFUSALS) {
            refusals.put(reason, refusal(reason));
        }
        this.overhead = Timer.builder("grantwatch.proxy.overhead")
                .description("Time a proxied call spends in grantwatch: before the call and before the answer is passed on")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    void answered(String product, int status) {
        Counter counter = calls.get(product + (status / 100) + "xx");
        if (counter != null) {
            counter.increment();
        }
        if (status == 429) {
            rateLimited.get(product).increment();
        }
    }

    void refused(String reason) {
        refusals.computeIfAbsent(reason, this::refusal).increment();
    }

    void overhead(Duration spent) {
        overhead.record(spent);
    }

    private Counter refusal(String reason) {
        return Counter.builder("grantwatch.proxy.refusals")
                .description("Proxied calls answered by grantwatch instead of the site, by reason")
                .tag("reason", reason).register(registry);
    }
}
