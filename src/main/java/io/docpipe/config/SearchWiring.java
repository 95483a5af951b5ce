package io.docpipe.config;

import io.docpipe.api.SearchApi;
import io.docpipe.embed.MockEmbedder;
import io.docpipe.search.HighDimensionCodec;
import io.docpipe.search.IndexWorkShare;
import io.docpipe.search.ProcessorLoad;
import io.docpipe.search.QueryEmbedder;
import io.docpipe.search.SearchIndex;
import io.docpipe.search.SearchIndexFollower;
import io.docpipe.search.SearchQueries;
import io.docpipe.search.SearchService;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** Search: this instance's Lucene index, following PostgreSQL's change log, and the query embedder. */
final class SearchWiring {

    private static final Logger LOG = LoggerFactory.getLogger(SearchWiring.class);

    private SearchWiring() {}

    static void bind(Foundation f, ProviderSettings openAi, MockEmbedder mockEmbedder) throws Exception {
        Settings settings = f.settings();
        int dimensions = settings.integer("docpipe.embedding.dimensions");
        if (dimensions < 1 || dimensions > HighDimensionCodec.MAX_DIMENSIONS) {
            throw new StartupRefusedException("EMBEDDING_DIMENSIONS must be from 1 to "
                    + HighDimensionCodec.MAX_DIMENSIONS + " (the search index's limit), was " + dimensions);
        }
        IndexWorkShare share = new IndexWorkShare(
                settings.integer("docpipe.search.index-nice"),
                new ProcessorLoad(settings.integer("docpipe.search.busy-cpu-percent"))::busy,
                settings.integer("docpipe.search.busy-index-percent"),
                f.context()::isStopping);
        // route follow-search-index runs on this thread
        ScheduledExecutorService followerThread =
                Executors.newSingleThreadScheduledExecutor(share.followerThreads("docpipe-search-index"));
        f.registry().bind("searchIndexThread", followerThread);
        SearchIndex searchIndex = SearchIndex.open(
                settings.path("docpipe.search.index-dir"),
                settings.integer("docpipe.search.hnsw.max-connections"),
                settings.integer("docpipe.search.hnsw.beam-width"),
                settings.integer("docpipe.search.index-ram-buffer-mb"),
                Boolean.parseBoolean(settings.string("docpipe.search.map-index-files")),
                share);
        LOG.info("search index in {}", searchIndex.path());
        // added after the database, so stopped before it (and after the routes)
        f.context()
                .addService(
                        new ServiceSupport() {
                            @Override
                            protected void doStop() throws Exception {
                                followerThread.shutdownNow();
                                searchIndex.close();
                            }
                        },
                        true,
                        true);
        SearchQueries searchQueries = new SearchQueries(f.jdbc());
        // the follower reads one consistent snapshot of the change log and the vectors it names
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(f.dataSource());
        TransactionTemplate snapshotTx = new TransactionTemplate(transactions);
        snapshotTx.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshotTx.setReadOnly(true);
        f.registry()
                .bind(
                        "searchIndexFollower",
                        new SearchIndexFollower(
                                searchIndex,
                                searchQueries,
                                f.embeddings(),
                                snapshotTx,
                                share,
                                Duration.ofMillis(settings.number("docpipe.search.commit-interval-ms"))));
        f.registry()
                .bind(
                        "queryEmbedder",
                        new QueryEmbedder(
                                openAi.mode(),
                                mockEmbedder,
                                settings.string("docpipe.embedding.model"),
                                f.tokenCounter(),
                                settings.integer("docpipe.embedding.max-tokens-per-input"),
                                Duration.ofMillis(settings.number("docpipe.search.max-pacing-wait-ms")),
                                settings.integer("docpipe.search.query-cache-entries")));
        f.registry()
                .bind(
                        "searchApi",
                        new SearchApi(
                                new SearchService(
                                        searchIndex,
                                        searchQueries,
                                        settings.integer("docpipe.search.candidates"),
                                        settings.integer("docpipe.search.rrf-rank-constant")),
                                settings.integer("docpipe.search.max-query-chars")));
    }
}
