package io.grantwatch.schedule;

import io.grantwatch.check.CheckService;
import io.grantwatch.lifecycle.NodeId;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz, on the JDBC JobStore in grantwatch's own database, clustered: a few dispatcher jobs fire
 * every {@code dispatchPeriod}, and each firing claims due grants in batches
 * ({@link CheckService#drain}). Quartz spreads the dispatchers over the nodes and moves them off a
 * node that dies; the grants themselves never become Quartz triggers, because one trigger per grant
 * cannot reach 100,000 grants every 5 minutes (see ARCHITECTURE.md, "Scale").
 */
public final class Dispatchers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatchers.class);
    private static final String GROUP = "grantwatch-dispatch";

    private final Scheduler scheduler;
    private final String dataSourceName = "grantwatch-" + UUID.randomUUID();

    /** @param node this process in the cluster: Quartz's instance id, the same name webhook delivery uses */
    public Dispatchers(DataSource dataSource, boolean postgres, CheckService checks, NodeId node, int count, Duration period,
            Duration drainBudget) {
        DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, new PoolProvider(dataSource));
        Properties properties = new Properties();
        properties.setProperty("org.quartz.scheduler.instanceName", "grantwatch");
        properties.setProperty("org.quartz.scheduler.instanceId", node.value());
        properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        properties.setProperty("org.quartz.threadPool.threadCount", String.valueOf(count));
        properties.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        properties.setProperty("org.quartz.jobStore.driverDelegateClass", postgres
                ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate"
                : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        properties.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        properties.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        properties.setProperty("org.quartz.jobStore.isClustered", "true");
        properties.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        properties.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
        properties.setProperty("org.quartz.scheduler.threadName", "grantwatch-quartz-" + dataSourceName.substring(11, 19));
        try {
            StdSchedulerFactory factory = new StdSchedulerFactory(properties);
            scheduler = factory.getScheduler();
            // Quartz keeps one scheduler per name in a JVM-wide registry and would hand this one out again;
            // taking it out lets several nodes share one JVM (as the cluster tests do), each its own scheduler.
            SchedulerRepository.getInstance().remove(scheduler.getSchedulerName());
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot set up the Quartz scheduler: " + e.getMessage(), e);
        }
        try {
            scheduler.setJobFactory((bundle, unused) -> new DispatchJob(checks, drainBudget));
            reconcile(count, period);
        } catch (SchedulerException | RuntimeException e) {
            // Quartz's threads run from here on; nobody else holds this scheduler to stop them.
            close();
            throw new IllegalStateException("cannot set up the Quartz scheduler: " + e.getMessage(), e);
        }
    }

    /** Makes the stored jobs match the configuration: {@code count} dispatchers firing every {@code period}. */
    private void reconcile(int count, Duration period) throws SchedulerException {
        Set<JobKey> existing = scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP));
        for (JobKey key : existing) {
            int index = Integer.parseInt(key.getName().substring("dispatcher-".length()));
            if (index >= count) {
                scheduler.deleteJob(key);
            }
        }
        for (int i = 0; i < count; i++) {
            JobDetail job = JobBuilder.newJob(DispatchJob.class)
                    .withIdentity("dispatcher-" + i, GROUP)
                    .storeDurably()
                    .build();
            Trigger trigger = TriggerBuilder.newTrigger()
                    .withIdentity("dispatcher-" + i, GROUP)
                    .forJob(job)
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                            .withIntervalInMilliseconds(period.toMillis())
                            .repeatForever()
                            .withMisfireHandlingInstructionNextWithRemainingCount())
                    .build();
            try {
                if (!scheduler.checkExists(job.getKey())) {
                    scheduler.scheduleJob(job, trigger);
                } else {
                    scheduler.rescheduleJob(TriggerKey.triggerKey("dispatcher-" + i, GROUP), trigger);
                }
            } catch (org.quartz.ObjectAlreadyExistsException raced) {
                // Another node starting at the same moment stored it first: that is the same job.
                log.debug("dispatcher-{} was stored by another node", i);
            }
        }
    }

    public void start() {
        try {
            scheduler.start();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start the Quartz scheduler: " + e.getMessage(), e);
        }
    }

    public boolean isRunning() {
        try {
            return scheduler.isStarted() && !scheduler.isShutdown() && !scheduler.isInStandbyMode();
        } catch (SchedulerException e) {
            return false;
        }
    }

    /** Stops firing and waits for the dispatchers in flight to finish their batch. */
    @Override
    public void close() {
        try {
            scheduler.shutdown(true);
        } catch (SchedulerException e) {
            log.warn("Quartz did not shut down cleanly: {}", e.getMessage());
        }
        try {
            DBConnectionManager.getInstance().shutdown(dataSourceName);
        } catch (Exception ignored) {
            // the pool belongs to Database, which closes it
        }
    }

    @DisallowConcurrentExecution
    public static final class DispatchJob implements Job {
        private final CheckService checks;
        private final Duration budget;

        DispatchJob(CheckService checks, Duration budget) {
            this.checks = checks;
            this.budget = budget;
        }

        @Override
        public void execute(JobExecutionContext context) {
            try {
                checks.drain(budget);
            } catch (RuntimeException e) {
                // The claimed grants keep their next slot; nothing is lost by giving up this firing.
                log.warn("A dispatcher run failed: {}", e.toString());
            }
        }
    }

    /** Hands Quartz connections from grantwatch's pool instead of a pool of its own. */
    private record PoolProvider(DataSource dataSource) implements ConnectionProvider {
        @Override
        public java.sql.Connection getConnection() throws java.sql.SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {}

        @Override
        public void initialize() {}
    }
}
