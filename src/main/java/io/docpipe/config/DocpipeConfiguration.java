package io.docpipe.config;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.docpipe.api.ApiAuthentication;
import io.docpipe.api.DocumentsApi;
import io.docpipe.api.HealthApi;
import io.docpipe.api.JobsApi;
import io.docpipe.api.JsonResponseWriter;
import io.docpipe.chunk.ChunkRepository;
import io.docpipe.chunk.ChunkStage;
import io.docpipe.chunk.TokenChunker;
import io.docpipe.chunk.TokenCounter;
import io.docpipe.db.Database;
import io.docpipe.document.DocumentRepository;
import io.docpipe.embed.EmbedStage;
import io.docpipe.embed.EmbeddingBatcher;
import io.docpipe.embed.EmbeddingRepository;
import io.docpipe.embed.MockEmbedder;
import io.docpipe.embed.MockEmbeddingService;
import io.docpipe.job.JobQueries;
import io.docpipe.job.JobStateMachine;
import io.docpipe.observe.CorrelationContext;
import io.docpipe.parse.MockParseStage;
import io.docpipe.parse.TextExtractor;
import io.docpipe.upload.DocumentStore;
import io.docpipe.upload.UploadService;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Builds docpipe's beans from its properties, in dependency order, and binds them under the names the routes use.
 * Opens the database (embedded or external) and migrates it before any route starts.
 */
public class DocpipeConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();
        String instanceId = instanceId(context, settings);

        Database database = Database.open(settings.string("docpipe.database.url"),
                settings.string("docpipe.database.user"), settings.string("docpipe.database.password"),
                settings.path("docpipe.data-dir"), settings.integer("docpipe.database.pool-size"));
        context.addService(database, true, true);
        DataSource dataSource = database.dataSource();
        NamedParameterJdbcTemplate jdbc = new NamedParameterJdbcTemplate(dataSource);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        registry.bind("dataSource", dataSource);

        JobStateMachine stateMachine = new JobStateMachine(jdbc, instanceId);
        DocumentRepository documents = new DocumentRepository(jdbc);
        ChunkRepository chunks = new ChunkRepository(jdbc);
        DocumentStore store = new DocumentStore(settings.path("docpipe.data-dir"));
        TextExtractor extractor = TextExtractor.defaults();
        TokenCounter tokenCounter = new TokenCounter();
        registry.bind("jobStateMachine", stateMachine);
        registry.bind("correlationContext", new CorrelationContext());

        // upload and API
        UploadService uploads = new UploadService(jdbc, tx, documents, store, extractor,
                settings.number("docpipe.upload.max-size-bytes"), instanceId);
        registry.bind("apiAuthentication", new ApiAuthentication(settings.string("docpipe.api.token")));
        registry.bind("jsonResponseWriter", new JsonResponseWriter());
        registry.bind("documentsApi", new DocumentsApi(uploads, documents, chunks));
        registry.bind("jobsApi", new JobsApi(new JobQueries(jdbc), stateMachine));
        registry.bind("healthApi", new HealthApi(dataSource, serviceModes(settings)));

        // stages
        registry.bind("mockParseStage", new MockParseStage(stateMachine, documents, store, extractor, tx));
        registry.bind("chunkStage", new ChunkStage(stateMachine, documents, chunks,
                new TokenChunker(tokenCounter, settings.integer("docpipe.chunk.size-tokens"),
                        settings.integer("docpipe.chunk.overlap-tokens")), tx));
        EmbeddingBatcher batcher = new EmbeddingBatcher(tokenCounter,
                settings.integer("docpipe.embedding.max-inputs-per-request"),
                settings.integer("docpipe.embedding.max-tokens-per-request"),
                settings.integer("docpipe.embedding.max-tokens-per-input"));
        registry.bind("embedStage", new EmbedStage(stateMachine, new EmbeddingRepository(jdbc), batcher, tx));
        registry.bind("mockEmbeddingService", new MockEmbeddingService(
                new MockEmbedder(settings.integer("docpipe.embedding.dimensions")),
                settings.string("docpipe.embedding.model")));
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

    private static Map<String, String> serviceModes(Settings settings) {
        Map<String, String> modes = new LinkedHashMap<>();
        modes.put("llamaparse", settings.string("docpipe.llamaparse.mode"));
        modes.put("openai", settings.string("docpipe.openai.mode"));
        return modes;
    }
}
