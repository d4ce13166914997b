package io.grantwatch;

import io.grantwatch.access.AccessGate;
import io.grantwatch.access.ApiKeys;
import io.grantwatch.api.HttpApi;
import io.grantwatch.audit.AuditService;
import io.grantwatch.atlassian.AtlassianClient;
import io.grantwatch.atlassian.RateGate;
import io.grantwatch.check.CheckMetrics;
import io.grantwatch.check.CheckRecorder;
import io.grantwatch.check.CheckService;
import io.grantwatch.check.GrantChecker;
import io.grantwatch.check.Judge;
import io.grantwatch.check.Schedule;
import io.grantwatch.config.Config;
import io.grantwatch.connect.ConnectService;
import io.grantwatch.crypto.EncryptionKeys;
import io.grantwatch.crypto.TokenCipher;
import io.grantwatch.db.Database;
import io.grantwatch.delivery.DeliveryEngine;
import io.grantwatch.delivery.WebhookService;
import io.grantwatch.events.EventFeed;
import io.grantwatch.events.EventSignal;
import io.grantwatch.grants.AccessStates;
import io.grantwatch.grants.GrantImport;
import io.grantwatch.grants.GrantService;
import io.grantwatch.health.GrantStatusGauges;
import io.grantwatch.health.HealthCheck;
import io.grantwatch.lifecycle.Lifecycle;
import io.grantwatch.lifecycle.Managed;
import io.grantwatch.lifecycle.NodeId;
import io.grantwatch.proxy.ProxyMetrics;
import io.grantwatch.proxy.SiteProxy;
import io.grantwatch.schedule.Dispatchers;
import io.grantwatch.crypto.StoredKeys;
import io.grantwatch.tokens.TokenRefresher;
import io.grantwatch.tokens.TokenService;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where grantwatch is put together: every component is built here, by hand, with
 * its dependencies passed in. Reading this class tells how the daemon works end to end.
 */
public final class Application implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Application.class);

    private final Lifecycle lifecycle;
    private final Database database;
    private final CheckService checks;
    private final HttpApi api;
    private final GrantService grants;
    private final PrometheusMeterRegistry metrics;
    private final TokenCipher cipher;

    private Application(Lifecycle lifecycle, Database database, CheckService checks, HttpApi api, GrantService grants,
            PrometheusMeterRegistry metrics, TokenCipher cipher) {
        this.lifecycle = lifecycle;
        this.database = database;
        this.checks = checks;
        this.api = api;
        this.grants = grants;
        this.metrics = metrics;
        this.cipher = cipher;
    }

    /**
     * Opens the database, migrates it, and starts the scheduler, webhook delivery and the HTTP API.
     * When anything fails on the way, everything built so far is stopped before the failure is thrown.
     */
    public static Application start(Config config, Clock clock) {
        TokenCipher cipher = EncryptionKeys.cipherFor(config);
        NodeId node = NodeId.generate();
        // Registered in the order they are built, so stopped in reverse: the HTTP API first, the pool last.
        Lifecycle lifecycle = new Lifecycle();
        try {
            Database database = lifecycle.closing("the database pool", Database.open(config));
            database.migrate();
            StoredKeys.verify(database.jdbi(), cipher);
            Config.Polling polling = config.polling();
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            // promtool's lint refuses two of ProcessorMetrics' names (an abbreviated unit, a _count suffix on a gauge).
            metrics.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")
                    || id.getName().equals("system.cpu.count")));
            new JvmMemoryMetrics().bindTo(metrics);
            // It listens to the JVM's GC notifications until closed.
            lifecycle.closing("the GC metrics", new JvmGcMetrics()).bindTo(metrics);
            new JvmThreadMetrics().bindTo(metrics);
            new ProcessorMetrics().bindTo(metrics);

            // Committed events wake long-polls and webhook workers on this node at once.
            EventSignal newEvents = new EventSignal();
            EventFeed feed = new EventFeed(database.jdbi(), clock, Duration.ofMillis(500), newEvents);
            Schedule schedule = new Schedule(polling.interval());
            RateGate gate = new RateGate(polling.maxRequestsPerSecond(), clock);
            AtlassianClient client = lifecycle.closing("the Atlassian client", new AtlassianClient(
                    config.atlassian().apiBaseUrl(), config.atlassian().authBaseUrl(), config.atlassian().requestTimeout(),
                    gate, clock));
            CheckMetrics checkMetrics = new CheckMetrics(metrics);
            checkMetrics.watch(gate);
            CheckRecorder recorder = new CheckRecorder(database.jdbi(),
                    new Judge(polling.degradedAfter(), polling.retryBackoff(), polling.interval(), polling.removalConfirmDelay()),
                    checkMetrics,
                    config.tokens().expiryWarning(), feed::wake, config.atlassian().apiBaseUrl());
            TokenRefresher refresher = new TokenRefresher(database.jdbi(), client, cipher, config.atlassian(), clock,
                    checkMetrics::refreshed);
            CheckService checks = lifecycle.closing("the check executor", new CheckService(database.jdbi(),
                    new GrantChecker(client, cipher, refresher, config.tokens(), clock), recorder, checkMetrics, schedule,
                    clock, polling.batchSize(), polling.concurrency(), polling.dispatchPeriod(), polling.commitDelay()));
            // Quartz starts its threads when it is built, and fires once started.
            Dispatchers dispatchers = new Dispatchers(database.dataSource(), database.isPostgres(), checks, node,
                    polling.dispatchers(), polling.dispatchPeriod(), Duration.ofSeconds(30));
            lifecycle.manage("the Quartz dispatchers", dispatchers, Managed.of(dispatchers::start, dispatchers));
            // Started before the HTTP API and stopped after it: the preflight and the proxy answer from it.
            AccessStates accessStates = new AccessStates(feed, metrics);
            lifecycle.manage("the grant states in memory", accessStates, Managed.of(accessStates::start, accessStates));
            GrantService grants = new GrantService(database.jdbi(), cipher, checks, clock, accessStates,
                    config.atlassian().apiBaseUrl());
            TokenService tokens = new TokenService(database.jdbi(), cipher, refresher, config.tokens(), clock);
            DeliveryEngine delivery = new DeliveryEngine(database.jdbi(), cipher, newEvents, config.delivery(), metrics, clock,
                    node);
            lifecycle.manage("webhook delivery", delivery, Managed.of(delivery::start, delivery));
            WebhookService webhooks = new WebhookService(database.jdbi(), cipher, delivery, config.delivery(), clock);
            webhooks.syncConfigured(config.webhooks());
            new GrantStatusGauges(database.jdbi(), clock, Duration.ofSeconds(5)).bindTo(metrics);
            HealthCheck health = new HealthCheck(database.jdbi(), database::isUp, dispatchers::isRunning, clock);
            ConnectService connect = new ConnectService(database.jdbi(), cipher, client, checks, config.atlassian(), clock,
                    feed::wake, checkMetrics::emitted);
            ApiKeys keys = ApiKeys.from(config.http());
            AuditService audit = new AuditService(database.jdbi(), metrics, clock, config.audit().retention(), 1000, keys.names());
            lifecycle.manage("the audit's purge", audit, Managed.of(audit::start, audit));
            SiteProxy proxy = lifecycle.closing("the proxy's HTTP client", new SiteProxy(config.atlassian().apiBaseUrl(),
                    config.proxy(), grants, tokens, config.tokens().refreshMargin(), clock, new ProxyMetrics(metrics)));
            HttpApi api = new HttpApi(grants, new GrantImport(database.jdbi(), cipher, clock), tokens, webhooks, connect, feed,
                    metrics, health::report, clock, new AccessGate(keys), audit, config.http().maxBodyBytes(), proxy);
            lifecycle.manage("the HTTP API", api,
                    Managed.of(() -> api.start(config.http().host(), config.http().port()), api));
            lifecycle.start();
            log.info("grantwatch is up: HTTP on port {}, database {}, checking every grant every {}", api.port(),
                    database.isPostgres() ? "PostgreSQL" : "H2", polling.interval());
            return new Application(lifecycle, database, checks, api, grants, metrics, cipher);
        } catch (RuntimeException | Error e) {
            lifecycle.abort(e);
            throw e;
        }
    }

    public int port() {
        return api.port();
    }

    public GrantService grants() {
        return grants;
    }

    public CheckService checks() {
        return checks;
    }

    public Database database() {
        return database;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    public TokenCipher cipher() {
        return cipher;
    }

    /** Stops taking requests, stops webhook delivery, lets the checks in flight finish, stops Quartz, closes the pool. */
    @Override
    public void close() {
        lifecycle.close();
        log.info("grantwatch stopped");
    }
}
