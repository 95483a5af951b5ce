package io.docpipe.config;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.docpipe.api.ApiAuthentication;
import io.docpipe.api.CostsApi;
import io.docpipe.api.DocumentsApi;
import io.docpipe.api.HealthApi;
import io.docpipe.api.HealthApi.ServiceHealth;
import io.docpipe.api.JobsApi;
import io.docpipe.api.JsonResponseWriter;
import io.docpipe.api.SearchApi;
import io.docpipe.api.UnroutedRequests;
import io.docpipe.chunk.ChunkRepository;
import io.docpipe.chunk.ChunkStage;
import io.docpipe.chunk.TokenChunker;
import io.docpipe.chunk.TokenCounter;
import io.docpipe.cost.Budget;
import io.docpipe.cost.BudgetAlertOutbox;
import io.docpipe.cost.CostLedger;
import io.docpipe.parse.LlamaParseBudget;
import io.docpipe.embed.OpenAiBudget;
import io.docpipe.cost.RescheduledJobs;
import io.docpipe.db.Database;
import io.docpipe.document.DocumentDeletion;
import io.docpipe.document.DocumentRepository;
import io.docpipe.document.DocumentVersions;
import io.docpipe.embed.EmbedStage;
import io.docpipe.embed.EmbeddingBatcher;
import io.docpipe.embed.EmbeddingRepository;
import io.docpipe.embed.MockEmbedder;
import io.docpipe.embed.MockEmbeddingService;
import io.docpipe.embed.OpenAiEmbeddingsApi;
import io.docpipe.embed.ReembedService;
import io.docpipe.job.Backoff;
import io.docpipe.job.ClaimedJobs;
import io.docpipe.job.JobQueries;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.RetryPolicy;
import io.docpipe.observe.CorrelationUnitOfWorkFactory;
import io.docpipe.observe.DatabaseHealthCheck;
import io.docpipe.observe.Meters;
import io.docpipe.observe.PipelineGauges;
import io.docpipe.observe.StorageHealthCheck;
import io.docpipe.parse.LlamaParseApi;
import io.docpipe.parse.LlamaParseV1Api;
import io.docpipe.parse.LlamaParseV2Api;
import io.docpipe.parse.LlamaParseStage;
import io.docpipe.parse.MockParseStage;
import io.docpipe.parse.TextExtractor;
import io.docpipe.provider.ProviderHttp;
import io.docpipe.provider.Redactor;
import io.docpipe.provider.ServiceFallback;
import io.docpipe.provider.ServiceMode;
import io.docpipe.provider.ServiceStats;
import io.docpipe.provider.RatePacer;
import io.docpipe.search.HighDimensionCodec;
import io.docpipe.search.QueryEmbedder;
import io.docpipe.search.SearchChangeLog;
import io.docpipe.search.SearchIndex;
import io.docpipe.search.SearchIndexFollower;
import io.docpipe.search.SearchQueries;
import io.docpipe.search.SearchService;
import io.docpipe.sweep.ExpiredLeases;
import io.docpipe.sweep.FailedJobRetries;
import io.docpipe.sweep.RetentionPurge;
import io.docpipe.sweep.SweepRuns;
import io.docpipe.storage.DocumentStorage;
import io.docpipe.storage.OrphanedFiles;
import io.docpipe.storage.S3DocumentStorage;
import io.docpipe.storage.StorageOutage;
import io.docpipe.storage.StorageUnavailableException;
import io.docpipe.sweep.SweepScheduler;
import io.docpipe.upload.UploadService;
import io.docpipe.webhook.LlamaParseWebhook;
import io.docpipe.webhook.WebhookSignatureCheck;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.UnitOfWorkFactory;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Builds docpipe's beans from its properties, in dependency order, and binds them under the names the routes use.
 * Checks the service modes and their keys, then opens the database (embedded or external) and migrates it, all
 * before any route starts.
 */
public class DocpipeConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(DocpipeConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        // every exchange starts without a correlation id left on its thread (camel.main.use-mdc-logging is on)
        context.getCamelContextExtension().addContextPlugin(UnitOfWorkFactory.class, new CorrelationUnitOfWorkFactory(context));
        Registry registry = context.getRegistry();
        ServiceMode llamaParseMode = requireKeyFor(settings, "LLAMAPARSE", "docpipe.llamaparse");
        ServiceMode openAiMode = requireKeyFor(settings, "OPENAI", "docpipe.openai");
        String webhookUrl = settings.string("docpipe.public-base-url").isEmpty() ? ""
                : settings.string("docpipe.public-base-url").replaceAll("/+$", "") + "/api/v1/webhooks/llamaparse";
        LlamaParseApi llamaParseApi = llamaParseApi(settings, webhookUrl);
        BigDecimal creditsPerPage = creditsPerPage(settings, llamaParseApi);
        // the HTTP servers bind late and only log a failure: a taken port would leave docpipe running without its API
        requireFreePort(settings.integer("camel.server.port"), "HTTP_PORT");
        requireFreePort(settings.integer("camel.management.port"), "MANAGEMENT_PORT");
        String instanceId = instanceId(context, settings);
        DocumentStorage storage = documentStorage(context, settings);

        Database database = Database.open(settings.string("docpipe.database.url"),
                settings.string("docpipe.database.user"), settings.string("docpipe.database.password"),
                settings.path("docpipe.data-dir"), settings.integer("docpipe.database.pool-size"),
                Boolean.parseBoolean(settings.string("docpipe.database.embedded-durable")));
        context.addService(database, true, true);
        DataSource dataSource = database.dataSource();
        NamedParameterJdbcTemplate jdbc = new NamedParameterJdbcTemplate(dataSource);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        registry.bind("dataSource", dataSource);

        Meters meters = new Meters(context);
        registry.bind("databaseHealthCheck", new DatabaseHealthCheck(dataSource));
        registry.bind("storageHealthCheck", new StorageHealthCheck(storage));
        JobStateMachine stateMachine = new JobStateMachine(jdbc, instanceId, to -> meters.jobTransition(to.wireName()));
        DocumentRepository documents = new DocumentRepository(jdbc);
        SearchChangeLog searchChanges = new SearchChangeLog(jdbc);
        DocumentVersions versions = new DocumentVersions(jdbc, searchChanges);
        ChunkRepository chunks = new ChunkRepository(jdbc, instanceId);
        EmbeddingRepository embeddings = new EmbeddingRepository(jdbc, instanceId);
        TextExtractor extractor = TextExtractor.defaults().withMaxTextChars(settings.integer("docpipe.parse.max-text-chars"));
        TokenCounter tokenCounter = new TokenCounter();
        Redactor redactor = new Redactor(List.of(settings.string("docpipe.llamaparse.api-key"),
                settings.string("docpipe.openai.api-key"), settings.string("docpipe.llamaparse.webhook-secret"),
                settings.string("docpipe.api.token"), settings.string("docpipe.alert.webhook-url"),
                settings.string("docpipe.storage.s3.access-key-id"), settings.string("docpipe.storage.s3.secret-access-key")));
        Clock clock = clock(context);
        int maxAttempts = settings.integer("docpipe.retry.max-attempts");
        RetryPolicy retries = new RetryPolicy(maxAttempts,
                new Backoff(Duration.ofMillis(settings.number("docpipe.retry.base-delay-ms")),
                        Duration.ofMillis(settings.number("docpipe.retry.max-delay-ms"))), clock);
        Duration openCircuitWait = Duration.ofSeconds(settings.number("docpipe.circuit.open-seconds"));
        CircuitBreaker llamaParseBreaker = circuitBreaker("llamaparse", settings);
        CircuitBreaker openAiBreaker = circuitBreaker("openai", settings);
        Duration maxPacingWait = Duration.ofMillis(settings.number("docpipe.pacing.max-wait-ms"));
        int headroomPercent = settings.integer("docpipe.pacing.headroom-percent");
        registry.bind("jobStateMachine", stateMachine);
        ClaimedJobs claimedJobs = new ClaimedJobs(jdbc, stateMachine, context, instanceId,
                Duration.ofSeconds(settings.number("docpipe.lease-seconds")),
                Duration.ofSeconds(settings.number("docpipe.lease.max-hold-seconds")));
        registry.bind("claimedJobs", claimedJobs);
        // added after the database, so stopped before it: a clean stop releases this instance's leases
        context.addService(claimedJobs.heartbeat(), true, true);
        if (database.isEmbedded()) {
            claimedJobs.expireAllOnStart();
        }
        registry.bind("llamaparseCircuitBreaker", llamaParseBreaker);
        registry.bind("openaiCircuitBreaker", openAiBreaker);

        // costs
        CostLedger ledger = new CostLedger(jdbc, tx, clock, instanceId, stateMachine, meters,
                Duration.ofSeconds(settings.number("docpipe.cost.reservation-timeout-seconds")));
        if (database.isEmbedded()) {
            // the process that held them is gone: the embedded database is this process's alone
            ledger.releaseAbandonedReservations(true, Integer.MAX_VALUE);
        }
        Budget llamaParseBudget = budget(settings, LlamaParseBudget.SERVICE, "LLAMAPARSE", "docpipe.llamaparse");
        Budget openAiBudget = budget(settings, OpenAiBudget.SERVICE, "OPENAI", "docpipe.openai");
        warnWithoutBudget(llamaParseMode, llamaParseBudget, "LLAMAPARSE_DAILY_BUDGET_USD");
        warnWithoutBudget(openAiMode, openAiBudget, "OPENAI_DAILY_BUDGET_USD");
        if (llamaParseMode.usesRealService()) {
            LOG.info("LlamaParse {}{}: a page is expected to cost {} credits", llamaParseApi.version(),
                    llamaParseApi instanceof LlamaParseV2Api v2 ? ", tier " + v2.tier() + ", parser version "
                            + settings.string("docpipe.llamaparse.parser-version") : "",
                    creditsPerPage.stripTrailingZeros().toPlainString());
        }
        LlamaParseBudget llamaParseGate = new LlamaParseBudget(llamaParseBudget, llamaParseMode, ledger, stateMachine,
                documents, extractor, creditsPerPage,
                new BigDecimal(settings.string("docpipe.llamaparse.usd-per-credit")),
                settings.integer("docpipe.llamaparse.estimate-chars-per-page"));
        registry.bind("llamaParseBudget", llamaParseGate);
        OpenAiBudget openAiGate = new OpenAiBudget(openAiBudget, openAiMode, ledger, stateMachine,
                new BigDecimal(settings.string("docpipe.openai.usd-per-million-tokens")));
        registry.bind("openAiBudget", openAiGate);
        registry.bind("costLedger", ledger);
        registry.bind("rescheduledJobs", new RescheduledJobs(jdbc, stateMachine, ledger, llamaParseBudget,
                openAiBudget, settings.integer("docpipe.sweeps.batch-size")));
        registry.bind("budgetAlertOutbox", new BudgetAlertOutbox(jdbc, redactor,
                settings.integer("docpipe.alert.retry-seconds")));
        PipelineGauges gauges = new PipelineGauges(jdbc, ledger, List.of(LlamaParseBudget.SERVICE, OpenAiBudget.SERVICE));
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // camel-main binds the Prometheus registry while starting: gauges go in once it is there
                gauges.register(meters);
            }
        });

        // sweeps
        SweepScheduler.configure(context, dataSource, settings.string("docpipe.sweeps.cluster-name"), instanceId,
                settings.integer("docpipe.sweeps.threads"), settings.number("docpipe.sweeps.cluster-checkin-ms"));
        registry.bind("sweepRuns", new SweepRuns(jdbc, instanceId, meters));
        registry.bind("failedJobRetries", new FailedJobRetries(jdbc, stateMachine, maxAttempts,
                settings.integer("docpipe.sweeps.batch-size")));
        registry.bind("expiredLeases", new ExpiredLeases(jdbc, stateMachine, maxAttempts,
                settings.integer("docpipe.sweeps.batch-size")));
        registry.bind("retentionPurge", new RetentionPurge(jdbc, settings.integer("docpipe.retention.events-days"),
                settings.integer("docpipe.retention.ledger-days"), settings.integer("docpipe.retention.sweep-runs-days"),
                settings.integer("docpipe.retention.search-changes-days")));

        // document store: what happens to a job whose document cannot be read, and the orphans' sweep
        StorageOutage storageOutage = new StorageOutage(stateMachine,
                Duration.ofSeconds(settings.number("docpipe.storage.retry-seconds")), clock);
        registry.bind("orphanedFiles", new OrphanedFiles(storage, jdbc, tx, versions,
                Duration.ofHours(settings.number("docpipe.storage.orphan-grace-hours")), clock,
                settings.integer("docpipe.sweeps.batch-size")));

        // parse stage
        registry.bind("mockParseStage", new MockParseStage(stateMachine, documents, storage, storageOutage, extractor));
        if (llamaParseMode.usesRealService() && webhookUrl.isEmpty()) {
            LOG.warn("PUBLIC_BASE_URL is not set: LlamaParse cannot call back, docpipe polls parse jobs instead");
        }
        ProviderHttp llamaParseHttp = new ProviderHttp("LlamaParse", settings.string("docpipe.llamaparse.api-key"),
                llamaParseApi.errorPolicy(), redactor, new ServiceStats(), meters, llamaParseBreaker, Map.of(
                        LlamaParseApi.UPLOADS, new RatePacer("LlamaParse uploads",
                                settings.integer("docpipe.llamaparse.requests-per-minute"), 0, headroomPercent),
                        LlamaParseApi.READS, new RatePacer("LlamaParse reads",
                                settings.integer("docpipe.llamaparse.read-requests-per-minute"), 0, headroomPercent)),
                maxPacingWait);
        registry.bind("llamaParseApi", llamaParseApi);
        registry.bind("llamaParseHttp", llamaParseHttp);
        registry.bind("llamaParseStage", new LlamaParseStage(stateMachine, documents, storage, storageOutage, llamaParseApi, jdbc, tx,
                llamaParseGate));
        // an upload in doubt waits for the webhook of the parse job it may have created before it is made again
        registry.bind("llamaParseFallback", new ServiceFallback(llamaParseMode, stateMachine, jdbc, retries, openCircuitWait,
                Duration.ofSeconds(settings.number("docpipe.llamaparse.webhook-wait-seconds"))));
        registry.bind("llamaParseWebhook", new LlamaParseWebhook(jdbc, tx, stateMachine));
        registry.bind("webhookSignatureCheck", new WebhookSignatureCheck(
                settings.string("docpipe.llamaparse.webhook-secret"), settings.number("docpipe.llamaparse.webhook-max-bytes")));

        // chunk stage
        registry.bind("chunkStage", new ChunkStage(stateMachine, documents, chunks,
                new TokenChunker(tokenCounter, settings.integer("docpipe.chunk.size-tokens"),
                        settings.integer("docpipe.chunk.overlap-tokens")), tx));

        // embed stage
        int maxTokensPerInput = settings.integer("docpipe.embedding.max-tokens-per-input");
        EmbeddingBatcher batcher = new EmbeddingBatcher(tokenCounter,
                settings.integer("docpipe.embedding.max-inputs-per-request"),
                // a request must fit a whole day's budget, or it would wait for a window that never opens
                Math.max(maxTokensPerInput, openAiGate.tokensWithin(settings.integer("docpipe.embedding.max-tokens-per-request"))),
                maxTokensPerInput);
        registry.bind("embedStage", new EmbedStage(stateMachine, embeddings, batcher, tx, openAiGate, claimedJobs, versions));
        MockEmbedder mockEmbedder = new MockEmbedder(settings.integer("docpipe.embedding.dimensions"));
        registry.bind("mockEmbeddingService", new MockEmbeddingService(mockEmbedder, settings.string("docpipe.embedding.model")));
        ProviderHttp openAiHttp = new ProviderHttp("OpenAI", settings.string("docpipe.openai.api-key"),
                OpenAiEmbeddingsApi.errorPolicy(), redactor, new ServiceStats(), meters, openAiBreaker, Map.of(
                        OpenAiEmbeddingsApi.EMBEDDINGS, new RatePacer("OpenAI embeddings",
                                settings.integer("docpipe.openai.requests-per-minute"),
                                settings.number("docpipe.openai.tokens-per-minute"), headroomPercent)),
                maxPacingWait);
        registry.bind("openAiHttp", openAiHttp);
        registry.bind("openAiEmbeddingsApi", new OpenAiEmbeddingsApi(settings.string("docpipe.embedding.model"),
                settings.integer("docpipe.embedding.dimensions")));
        registry.bind("openAiFallback", new ServiceFallback(openAiMode, stateMachine, jdbc, retries, openCircuitWait,
                Duration.ZERO));
        registry.bind("reembedService", new ReembedService(embeddings, batcher, openAiMode, openAiBreaker,
                settings.integer("docpipe.openai.reembed-chunks-per-run"), tx, searchChanges));

        // search: this instance's index, following PostgreSQL's changes
        int dimensions = settings.integer("docpipe.embedding.dimensions");
        if (dimensions < 1 || dimensions > HighDimensionCodec.MAX_DIMENSIONS) {
            throw new StartupRefusedException("EMBEDDING_DIMENSIONS must be from 1 to " + HighDimensionCodec.MAX_DIMENSIONS
                    + " (the search index's limit), was " + dimensions);
        }
        SearchIndex searchIndex = SearchIndex.open(settings.path("docpipe.search.index-dir"),
                settings.integer("docpipe.search.hnsw.max-connections"), settings.integer("docpipe.search.hnsw.beam-width"),
                settings.integer("docpipe.search.index-ram-buffer-mb"));
        LOG.info("search index in {}", searchIndex.path());
        // added after the database, so stopped before it (and after the routes)
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                searchIndex.close();
            }
        }, true, true);
        SearchQueries searchQueries = new SearchQueries(jdbc);
        TransactionTemplate snapshotTx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        snapshotTx.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshotTx.setReadOnly(true);
        registry.bind("searchIndexFollower", new SearchIndexFollower(searchIndex, searchQueries, embeddings, snapshotTx));
        registry.bind("queryEmbedder", new QueryEmbedder(openAiMode, mockEmbedder, settings.string("docpipe.embedding.model"),
                tokenCounter, settings.integer("docpipe.embedding.max-tokens-per-input"),
                Duration.ofMillis(settings.number("docpipe.search.max-pacing-wait-ms")),
                settings.integer("docpipe.search.query-cache-entries")));
        registry.bind("searchApi", new SearchApi(new SearchService(searchIndex, searchQueries,
                settings.integer("docpipe.search.candidates"), settings.integer("docpipe.search.rrf-rank-constant")),
                settings.integer("docpipe.search.max-query-chars")));

        // upload and API
        registry.bind("apiAuthentication", new ApiAuthentication(settings.string("docpipe.api.token")));
        UnroutedRequests unrouted = new UnroutedRequests(context, settings.integer("camel.server.port"));
        MainHttpServer businessServer = context.hasService(MainHttpServer.class);
        if (businessServer == null) {
            throw new StartupRefusedException("camel.server.enabled must be true: docpipe's API runs on the business HTTP server");
        }
        unrouted.answerWhileStarting(businessServer);
        context.addStartupListener(unrouted);
        registry.bind("jsonResponseWriter", new JsonResponseWriter());
        registry.bind("documentsApi", new DocumentsApi(new UploadService(jdbc, tx, documents, versions, storage, extractor,
                settings.number("docpipe.upload.max-size-bytes"), instanceId), documents, chunks, versions,
                new DocumentDeletion(jdbc, tx, stateMachine, versions, searchChanges, storage), storage,
                Duration.ofSeconds(settings.number("docpipe.storage.link-seconds"))));
        registry.bind("jobsApi", new JobsApi(new JobQueries(jdbc), stateMachine));
        registry.bind("costsApi", new CostsApi(jdbc, ledger, List.of(llamaParseBudget, openAiBudget)));
        Map<String, ServiceHealth> services = new LinkedHashMap<>();
        services.put("llamaparse", new ServiceHealth(llamaParseMode, llamaParseBreaker, llamaParseHttp.stats()));
        services.put("openai", new ServiceHealth(openAiMode, openAiBreaker, openAiHttp.stats()));
        registry.bind("healthApi", new HealthApi(dataSource, services, storage));
    }

    /**
     * The document store of {@code DOCPIPE_STORAGE}, bound as {@code documentStorage} (and a bucket's kept client as
     * {@code s3Client}), closed when docpipe stops. A bucket is tried once: credentials it refuses stop the start
     * with one line; a bucket that cannot be reached now is logged and shown by {@code /api/v1/health} until it can.
     */
    private static DocumentStorage documentStorage(CamelContext context, Settings settings) throws Exception {
        DocumentStorage storage = StorageSettings.open(settings);
        if (storage instanceof S3DocumentStorage bucket) {
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    bucket.close();
                }
            }, true, true);
            context.getRegistry().bind("s3Client", bucket.client());
            bucket.clearSpool(Duration.ofHours(1));
            try {
                bucket.verify();
            } catch (StorageUnavailableException e) {
                if (e.credentialsRefused()) {
                    throw new StartupRefusedException(e.getMessage() + " (DOCPIPE_STORAGE=s3)");
                }
                LOG.warn("the document store {} cannot be reached now: {}; uploads and parses wait for it",
                        storage.location(), e.getMessage());
            }
        }
        context.getRegistry().bind("documentStorage", storage);
        LOG.info("documents stored in {} ({})", storage.location(), storage.kind());
        return storage;
    }

    /**
     * The mode of one service ({@code <SERVICE>_MODE}, else {@code SERVICE_MODE}); real and hybrid need the
     * service's API key, and the start stops with one line naming the missing variable.
     */
    private static ServiceMode requireKeyFor(Settings settings, String service, String prefix) {
        ServiceMode mode = ServiceMode.parse(settings.string(prefix + ".mode"), service + "_MODE");
        if (mode.usesRealService() && settings.string(prefix + ".api-key").isEmpty()) {
            throw new StartupRefusedException(service + "_API_KEY is required when " + service + "_MODE is "
                    + mode.wireName() + " (set it, or use " + service + "_MODE=mock)");
        }
        return mode;
    }

    /**
     * LlamaParse's API generation ({@code LLAMAPARSE_API_VERSION}: v2, the default, or v1) with its settings; a value
     * LlamaParse does not offer stops the start naming its variable.
     */
    private static LlamaParseApi llamaParseApi(Settings settings, String webhookUrl) {
        String secret = settings.string("docpipe.llamaparse.webhook-secret");
        String tier = settings.string("docpipe.llamaparse.tier");
        if (!LlamaParseV2Api.TIERS.contains(tier)) {
            throw new StartupRefusedException("LLAMAPARSE_TIER must be one of " + String.join(", ", LlamaParseV2Api.TIERS)
                    + ", was '" + tier + "'");
        }
        String parserVersion = settings.string("docpipe.llamaparse.parser-version");
        if (!parserVersion.matches("latest|\\d{4}-\\d{2}-\\d{2}")) {
            throw new StartupRefusedException("LLAMAPARSE_PARSER_VERSION must be latest or a date such as 2026-08-19, was '"
                    + parserVersion + "'");
        }
        return switch (settings.string("docpipe.llamaparse.api-version")) {
            case "v2" -> new LlamaParseV2Api(webhookUrl, secret, tier, parserVersion);
            case "v1" -> new LlamaParseV1Api(webhookUrl, secret);
            default -> throw new StartupRefusedException("LLAMAPARSE_API_VERSION must be v2 or v1, was '"
                    + settings.string("docpipe.llamaparse.api-version") + "'");
        };
    }

    /**
     * Credits a page is expected to cost: {@code docpipe.llamaparse.credits-per-page} when set, else the figure of
     * the v2 tier ({@code docpipe.llamaparse.credits-per-page.<tier>}); v1, which has no tiers, takes cost_effective's.
     */
    private static BigDecimal creditsPerPage(Settings settings, LlamaParseApi api) {
        String key = "docpipe.llamaparse.credits-per-page";
        String value = settings.string(key);
        if (value.isEmpty()) {
            key += "." + (api instanceof LlamaParseV2Api v2 ? v2.tier() : "cost_effective");
            value = settings.string(key);
        }
        try {
            BigDecimal credits = new BigDecimal(value);
            if (credits.signum() >= 0) {
                return credits;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new StartupRefusedException("property " + key + " must be a number of credits, was '" + value + "'");
    }

    private static void requireFreePort(int port, String variable) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new StartupRefusedException(variable + " " + port + " is already in use (another docpipe?): stop it or"
                    + " set " + variable + " to a free port");
        }
    }

    /** Budget windows and next attempts follow this clock: a bean named {@code docpipeClock}, else UTC time. */
    private static Clock clock(CamelContext context) {
        Clock clock = context.getRegistry().lookupByNameAndType("docpipeClock", Clock.class);
        return clock == null ? Clock.systemUTC() : clock;
    }

    /** A service's daily budget and hourly cap; a value that is no amount stops the start naming its variable. */
    private static Budget budget(Settings settings, String service, String variablePrefix, String prefix) {
        String daily = settings.string(prefix + ".daily-budget-usd");
        try {
            return Budget.of(service, daily, settings.integer(prefix + ".max-requests-per-hour"));
        } catch (IllegalArgumentException e) {
            throw new StartupRefusedException(variablePrefix + "_DAILY_BUDGET_USD must be an amount of USD such as 5 or"
                    + " 12.50 (or unset for no cap), was '" + daily + "'");
        }
    }

    private static void warnWithoutBudget(ServiceMode mode, Budget budget, String variable) {
        if (mode.usesRealService() && budget.dailyUsd() == null) {
            LOG.warn("{} is not set: {} spending has no daily cap", variable, budget.service());
        }
    }

    /**
     * One breaker per service, shared by every route that calls it. A rate limit (429) is ignored: it is no outage,
     * and must never send hybrid mode to the mock; every other failure inside the breaker counts.
     */
    private static CircuitBreaker circuitBreaker(String name, Settings settings) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.integer("docpipe.circuit.failure-rate-threshold-percent"))
                .slidingWindowSize(settings.integer("docpipe.circuit.sliding-window-calls"))
                .minimumNumberOfCalls(settings.integer("docpipe.circuit.minimum-calls"))
                .waitDurationInOpenState(Duration.ofSeconds(settings.number("docpipe.circuit.open-seconds")))
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .ignoreException(ProviderHttp::isRateLimit)
                .recordException(failure -> !ProviderHttp.isRateLimit(failure))
                .build();
        return CircuitBreaker.of(name, config);
    }

    /**
     * Leases and events name the instance holding or changing a job; unless configured, a name unique to this
     * process. The claim queries read it back as the property {@code docpipe.instance-id}.
     */
    private static String instanceId(CamelContext context, Settings settings) throws Exception {
        String id = settings.string("docpipe.instance-id");
        if (id.isEmpty()) {
            id = InetAddress.getLocalHost().getHostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
            context.getPropertiesComponent().addOverrideProperty("docpipe.instance-id", id);
        }
        return id;
    }
}
