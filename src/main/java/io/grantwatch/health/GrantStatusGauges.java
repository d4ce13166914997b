package io.grantwatch.health;

import io.grantwatch.core.GrantStatus;
import io.grantwatch.db.GrantDao;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauge {@code grantwatch_grants{status}}: monitored grants by status. Counting is a query over
 * every grant, so a scrape reuses the counts of the last {@code maxAge}; with several nodes each
 * reports the same, shared numbers. Thread-safe.
 */
public final class GrantStatusGauges {
    private static final Logger log = LoggerFactory.getLogger(GrantStatusGauges.class);

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration maxAge;
    private Map<GrantStatus, Long> counts = new EnumMap<>(GrantStatus.class);
    private Instant countedAt = Instant.MIN;

    public GrantStatusGauges(Jdbi jdbi, Clock clock, Duration maxAge) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    public GrantStatusGauges bindTo(MeterRegistry registry) {
        for (GrantStatus status : GrantStatus.values()) {
            Gauge.builder("grantwatch.grants", this, gauges -> gauges.count(status))
                    .description("Monitored grants by status, counted at most every few seconds")
                    .tag("status", status.name())
                    // Micrometer holds gauge objects weakly, and nothing else holds this one.
                    .strongReference(true)
                    .register(registry);
        }
        return this;
    }

    synchronized double count(GrantStatus status) {
        Instant now = clock.instant();
        if (Duration.between(countedAt, now).compareTo(maxAge) >= 0) {
            try {
                counts = jdbi.withHandle(handle -> new GrantDao(handle).countByStatus());
            } catch (RuntimeException e) {
                // The last counts stay; /health says whether the database is down.
                log.debug("Cannot count grants by status: {}", e.toString());
            }
            countedAt = now;
        }
        return counts.getOrDefault(status, 0L);
    }
}
