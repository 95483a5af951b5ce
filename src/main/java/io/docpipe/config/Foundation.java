package io.docpipe.config;

import io.docpipe.chunk.ChunkRepository;
import io.docpipe.chunk.TokenCounter;
import io.docpipe.db.Database;
import io.docpipe.document.DocumentRepository;
import io.docpipe.document.DocumentVersions;
import io.docpipe.document.SearchChangeLog;
import io.docpipe.embed.EmbeddingRepository;
import io.docpipe.job.Backoff;
import io.docpipe.job.ClaimedJobs;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.RetryPolicy;
import io.docpipe.job.RouteMoves;
import io.docpipe.job.SqlStepBodies;
import io.docpipe.observe.DatabaseHealthCheck;
import io.docpipe.observe.Meters;
import io.docpipe.parse.TextExtractor;
import io.docpipe.provider.Redactor;
import io.docpipe.storage.DocumentStorage;
import io.docpipe.storage.StorageHealthCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What every concern's wiring builds on: the instance's name, the document store, the database (opened and migrated),
 * the job state machine and its leases, the repositories the stages share, and the clock, retry policy and redactor.
 */
record Foundation(
        CamelContext context,
        Settings settings,
        Registry registry,
        String instanceId,
        DocumentStorage storage,
        Database database,
        DataSource dataSource,
        NamedParameterJdbcTemplate jdbc,
        TransactionTemplate tx,
        Meters meters,
        Clock clock,
        JobStateMachine stateMachine,
        ClaimedJobs claimedJobs,
        DocumentRepository documents,
        SearchChangeLog searchChanges,
        DocumentVersions versions,
        ChunkRepository chunks,
        EmbeddingRepository embeddings,
        TextExtractor extractor,
        TokenCounter tokenCounter,
        Redactor redactor,
        RetryPolicy retries) {

    static Foundation open(CamelContext context, Settings settings) throws Exception {
        Registry registry = context.getRegistry();
        // the HTTP servers bind late and only log a failure: a taken port would leave docpipe running without its API
        requireFreePort(settings.integer("camel.server.port"), "HTTP_PORT");
        requireFreePort(settings.integer("camel.management.port"), "MANAGEMENT_PORT");
        String instanceId = instanceId(context, settings);
        DocumentStorage storage = StorageWiring.open(context, settings);

        Database database = Database.open(
                settings.string("docpipe.database.url"),
                settings.string("docpipe.database.user"),
                settings.string("docpipe.database.password"),
                settings.path("docpipe.data-dir"),
                settings.integer("docpipe.database.pool-size"),
                Boolean.parseBoolean(settings.string("docpipe.database.embedded-durable")));
        context.addService(database, true, true);
        DataSource dataSource = database.dataSource();
        NamedParameterJdbcTemplate jdbc = new NamedParameterJdbcTemplate(dataSource);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        registry.bind("dataSource", dataSource);
        registry.bind("databaseHealthCheck", new DatabaseHealthCheck(dataSource));
        registry.bind("storageHealthCheck", new StorageHealthCheck(storage));

        Meters meters = new Meters(context);
        JobStateMachine stateMachine = new JobStateMachine(jdbc, instanceId, to -> meters.jobTransition(to.wireName()));
        registry.bind("jobStateMachine", stateMachine);
        // the moves the routes make as SQL steps are counted and logged as the state machine's own
        context.getManagementStrategy().addEventNotifier(new RouteMoves(to -> meters.jobTransition(to.wireName())));
        SqlStepBodies.register(context.getTypeConverterRegistry());
        ClaimedJobs claimedJobs = new ClaimedJobs(
                jdbc,
                stateMachine,
                context,
                instanceId,
                Duration.ofSeconds(settings.number("docpipe.lease-seconds")),
                Duration.ofSeconds(settings.number("docpipe.lease.max-hold-seconds")));
        registry.bind("claimedJobs", claimedJobs);
        // added after the database, so stopped before it: a clean stop releases this instance's leases
        context.addService(claimedJobs.heartbeat(), true, true);
        if (database.isEmbedded()) {
            claimedJobs.expireAllOnStart();
        }

        SearchChangeLog searchChanges = new SearchChangeLog(jdbc);
        Clock clock = clock(context);
        RetryPolicy retries = new RetryPolicy(
                settings.integer("docpipe.retry.max-attempts"),
                new Backoff(
                        Duration.ofMillis(settings.number("docpipe.retry.base-delay-ms")),
                        Duration.ofMillis(settings.number("docpipe.retry.max-delay-ms"))),
                clock);
        Redactor redactor = new Redactor(List.of(
                settings.string("docpipe.llamaparse.api-key"),
                settings.string("docpipe.openai.api-key"),
                settings.string("docpipe.llamaparse.webhook-secret"),
                settings.string("docpipe.api.token"),
                settings.string("docpipe.alert.webhook-url"),
                settings.string("docpipe.storage.s3.access-key-id"),
                settings.string("docpipe.storage.s3.secret-access-key")));
        return new Foundation(
                context,
                settings,
                registry,
                instanceId,
                storage,
                database,
                dataSource,
                jdbc,
                tx,
                meters,
                clock,
                stateMachine,
                claimedJobs,
                new DocumentRepository(jdbc),
                searchChanges,
                new DocumentVersions(jdbc, searchChanges),
                new ChunkRepository(jdbc, instanceId),
                new EmbeddingRepository(jdbc, instanceId),
                TextExtractor.defaults()
                        .withMaxTextChars(settings.integer("docpipe.parse.max-text-mib") * 1024L * 1024),
                new TokenCounter(),
                redactor,
                retries);
    }

    int maxAttempts() {
        return settings.integer("docpipe.retry.max-attempts");
    }

    private static void requireFreePort(int port, String variable) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new StartupRefusedException(variable + " " + port
                    + " is already in use (another docpipe?): stop it or" + " set " + variable + " to a free port");
        }
    }

    /** Budget windows and next attempts follow this clock: a bean named {@code docpipeClock}, else UTC time. */
    private static Clock clock(CamelContext context) {
        Clock clock = context.getRegistry().lookupByNameAndType("docpipeClock", Clock.class);
        return clock == null ? Clock.systemUTC() : clock;
    }

    /**
     * Leases and events name the instance holding or changing a job; unless configured, a name unique to this
     * process. The claim queries read it back as the property {@code docpipe.instance-id}.
     */
    private static String instanceId(CamelContext context, Settings settings) throws Exception {
        String id = settings.string("docpipe.instance-id");
        if (id.isEmpty()) {
            id = InetAddress.getLocalHost().getHostName() + "-"
                    + UUID.randomUUID().toString().substring(0, 8);
            context.getPropertiesComponent().addOverrideProperty("docpipe.instance-id", id);
        }
        return id;
    }
}
