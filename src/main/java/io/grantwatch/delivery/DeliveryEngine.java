package io.grantwatch.delivery;

import io.grantwatch.config.Config;
import io.grantwatch.crypto.TokenCipher;
import io.grantwatch.db.EventDao;
import io.grantwatch.db.WebhookDao;
import io.grantwatch.events.EventSignal;
import io.grantwatch.lifecycle.NodeId;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs webhook delivery on this node. One supervisor loop watches the outbox for events written
 * by other nodes (this node's own commits signal at once), and every lease round renews this
 * node's leases, claims free or expired ones, and keeps one {@link SubscriptionWorker} per leased
 * subscription. A lease lets exactly one node deliver to a subscription, so each event reaches
 * each subscriber from one node; when a node dies its leases expire and another takes over from
 * the stored cursor. Thread-safe.
 */
public final class DeliveryEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);
    private static final Duration MAX_LEASE_ROUND = Duration.ofSeconds(1);

    private final Jdbi jdbi;
    private final TokenCipher cipher;
    private final EventSignal newEvents;
    private final Config.Delivery settings;
    private final Clock clock;
    private final DeliveryMetrics metrics;
    private final WebhookSender sender;
    private final Backoff backoff;
    private final String node;
    private final Duration leaseRound;
    private final Map<Long, Thread> workers = new ConcurrentHashMap<>();
    /** Asks the supervisor for a lease round now: a subscription was created, resumed or deleted here. */
    private final EventSignal nudges = new EventSignal();
    private volatile boolean running;
    private Thread supervisor;

    /** @param node this process in the cluster: the owner of its leases, the same name Quartz uses */
    public DeliveryEngine(Jdbi jdbi, TokenCipher cipher, EventSignal newEvents, Config.Delivery settings,
            MeterRegistry registry, Clock clock, NodeId node) {
        this.node = node.value();
        this.jdbi = jdbi;
        this.cipher = cipher;
        this.newEvents = newEvents;
        this.settings = settings;
        this.clock = clock;
        this.metrics = new DeliveryMetrics(registry);
        this.sender = new WebhookSender(settings.requestTimeout(), new ReceiverGuard(settings.allowPrivateNetworks()));
        this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff(),
                bound -> ThreadLocalRandom.current().nextLong(bound));
        Duration third = settings.lease().dividedBy(3);
        this.leaseRound = third.compareTo(MAX_LEASE_ROUND) < 0 ? third : MAX_LEASE_ROUND;
    }

    public DeliveryEngine start() {
        running = true;
        supervisor = Thread.ofVirtual().name("webhook-supervisor").start(this::supervise);
        return this;
    }

    /** The name this node writes into {@code leased_by} and the delivery log. */
    public String node() {
        return node;
    }

    /** A subscription changed on this node: take leases and wake workers now rather than at the next round. */
    void nudge() {
        nudges.fire();
        newEvents.fire();
    }

    private void supervise() {
        long latestSeen = -1;
        Instant nextLeaseRound = Instant.MIN;
        while (running) {
            long nudged = nudges.generation();
            try {
                long latest = jdbi.withHandle(handle -> new EventDao(handle).latestId());
                if (latest > latestSeen) {
                    // Events from another node, or from this one before a worker looked: wake every worker.
                    latestSeen = latest;
                    newEvents.fire();
                }
                if (!clock.instant().isBefore(nextLeaseRound)) {
                    leaseRound(latest);
                    nextLeaseRound = clock.instant().plus(leaseRound);
                }
            } catch (RuntimeException e) {
                log.warn("Webhook delivery cannot reach the database, trying again: {}", e.getClass().getSimpleName());
            }
            try {
                if (nudges.await(nudged, settings.pollInterval())) {
                    nextLeaseRound = Instant.MIN;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void leaseRound(long latestEventId) {
        Instant now = clock.instant();
        Instant until = now.plus(settings.lease());
        List<Long> held = jdbi.inTransaction(handle -> {
            WebhookDao dao = new WebhookDao(handle);
            dao.claimFree(node, now, until);
            return dao.renew(node, now, until);
        });
        Set<Long> holding = new HashSet<>(held);
        for (long id : held) {
            workers.compute(id, (key, worker) -> worker != null && worker.isAlive() ? worker : startWorker(id));
        }
        workers.forEach((id, worker) -> {
            if (!holding.contains(id)) {
                // Lost the lease (deleted, failing, or taken over after a pause): another node may deliver now.
                worker.interrupt();
                workers.remove(id, worker);
            }
        });
        jdbi.useHandle(handle -> {
            WebhookDao dao = new WebhookDao(handle);
            long oldest = dao.oldestCursor().orElse(latestEventId);
            metrics.observed(Math.max(0, latestEventId - oldest), dao.countFailing());
        });
    }

    private Thread startWorker(long id) {
        SubscriptionWorker worker = new SubscriptionWorker(id, node, jdbi, cipher, newEvents, sender, backoff, metrics,
                settings, clock);
        return Thread.ofVirtual().name("webhook-" + id).start(worker);
    }

    /** Stops the workers (an attempt in flight is abandoned and will be made again) and gives the leases up. */
    @Override
    public void close() {
        running = false;
        if (supervisor != null) {
            supervisor.interrupt();
            join(supervisor);
        }
        workers.values().forEach(Thread::interrupt);
        workers.values().forEach(DeliveryEngine::join);
        workers.clear();
        try {
            jdbi.useHandle(handle -> new WebhookDao(handle).releaseAll(node));
        } catch (RuntimeException e) {
            log.warn("Could not give up the webhook leases of {}; they expire within {}", node, settings.lease());
        }
        sender.close();
    }

    private static void join(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
