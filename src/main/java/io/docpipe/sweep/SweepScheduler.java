package io.docpipe.sweep;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.quartz.Scheduler;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Runs camel-quartz clustered on docpipe's own database (the QRTZ_ tables of migration V4), so that every instance
 * sharing the database shares the sweeps' triggers and each fires once. Quartz gets its connections from docpipe's
 * pool (embedded or external alike) instead of opening its own.
 */
public final class SweepScheduler {

    private SweepScheduler() {}

    /**
     * @param clusterName the Quartz scheduler name: the same on every instance of one deployment
     * @param instanceId  this instance's name in the cluster
     */
    public static void configure(
            CamelContext context,
            DataSource dataSource,
            String clusterName,
            String instanceId,
            int threads,
            long clusterCheckinMillis)
            throws Exception {
        // Quartz looks data sources up by name in a JVM-wide registry: a name per instance keeps several apart
        String dataSourceName = "docpipe-" + instanceId;
        DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, new PooledConnections(dataSource));
        Properties quartz = new Properties();
        quartz.setProperty("org.quartz.scheduler.instanceName", clusterName);
        quartz.setProperty("org.quartz.scheduler.instanceId", instanceId);
        quartz.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        quartz.setProperty("org.quartz.threadPool.threadCount", String.valueOf(threads));
        quartz.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        quartz.setProperty(
                "org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        quartz.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        quartz.setProperty("org.quartz.jobStore.isClustered", "true");
        quartz.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(clusterCheckinMillis));
        // take the cluster's row lock to acquire triggers: acquired without it, a trigger that another instance has
        // just fired and set waiting again can be taken a second time for the same fire time
        quartz.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        QuartzComponent component = context.getComponent("quartz", QuartzComponent.class);
        component.setProperties(quartz);
        // the scheduler's name is the cluster's name; camel.main.name (the same on every instance) is not added
        component.setPrefixInstanceName(false);
        // Camel stops added services, newest first, before its components: this stops the scheduler (letting a
        // running sweep finish) while the database, added earlier, is still open
        context.addService(new StopBeforeDatabase(component), true, true);
    }

    private static final class StopBeforeDatabase extends ServiceSupport {

        private final QuartzComponent component;

        StopBeforeDatabase(QuartzComponent component) {
            this.component = component;
        }

        @Override
        protected void doStop() throws Exception {
            Scheduler scheduler = component.getScheduler();
            if (scheduler != null && !scheduler.isShutdown()) {
                scheduler.shutdown(true);
            }
        }
    }

    private record PooledConnections(DataSource dataSource) implements ConnectionProvider {

        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
            // the pool belongs to docpipe and closes with it
        }

        @Override
        public void initialize() {}
    }
}
