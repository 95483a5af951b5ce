package io.docpipe.search;

import io.docpipe.embed.EmbeddingRepository;
import io.docpipe.embed.EmbeddingRepository.SearchableChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps this instance's {@link SearchIndex} in step with PostgreSQL, run by route follow-search-index.
 *
 * <p>Each run reads, in one repeatable-read transaction, the documents changed by transactions the index's applied
 * snapshot does not see, and their searchable chunks as of the run's own snapshot; it replaces those documents'
 * chunks in the index and commits with the run's snapshot. Transactions commit in any order, but a change is
 * applied exactly when the applied snapshot sees its transaction, so none is skipped; all the changes of one
 * transaction (a version swap: the new version in, the old one out) land in one commit, which searches see at once.
 * An index without an applied snapshot (new, emptied, or older than the change log's retention) is built from
 * every searchable chunk the same way.
 */
public class SearchIndexFollower {

    private static final Logger LOG = LoggerFactory.getLogger(SearchIndexFollower.class);

    private final SearchIndex index;
    private final SearchQueries queries;
    private final EmbeddingRepository embeddings;
    private final TransactionTemplate snapshotTx;

    /** @param snapshotTx repeatable read, read only: every read of one run sees one snapshot */
    public SearchIndexFollower(
            SearchIndex index, SearchQueries queries, EmbeddingRepository embeddings, TransactionTemplate snapshotTx) {
        this.index = index;
        this.queries = queries;
        this.embeddings = embeddings;
        this.snapshotTx = snapshotTx;
    }

    /** @return the documents re-read, or every chunk indexed when the index was built from scratch */
    public synchronized int follow() {
        String applied = index.appliedSnapshot();
        Integer done = snapshotTx.execute(status -> {
            if (applied == null || queries.isPastHorizon(applied)) {
                return build();
            }
            List<UUID> changed = queries.unappliedChanges(applied);
            if (changed.isEmpty()) {
                return 0;
            }
            String snapshot = queries.currentSnapshot();
            io(() -> {
                for (UUID document : changed) {
                    index.delete(document);
                }
            });
            embeddings.streamSearchable(changed, adding());
            io(() -> index.commit(snapshot));
            LOG.debug("search index: applied changes of {} documents", changed.size());
            return changed.size();
        });
        return done == null ? 0 : done;
    }

    /** Builds the index again from every searchable chunk (route rebuild-search-index). */
    public synchronized int rebuild() {
        Integer built = snapshotTx.execute(status -> build());
        return built == null ? 0 : built;
    }

    /** Inside the snapshot transaction. */
    private int build() {
        long started = System.nanoTime();
        String snapshot = queries.currentSnapshot();
        int[] chunks = {0};
        io(index::deleteAll);
        embeddings.streamSearchable(adding().andThen(chunk -> chunks[0]++));
        io(() -> index.commit(snapshot));
        LOG.info(
                "search index {} built from PostgreSQL: {} chunks in {} ms",
                index.path(),
                chunks[0],
                (System.nanoTime() - started) / 1_000_000);
        return chunks[0];
    }

    private Consumer<SearchableChunk> adding() {
        return chunk -> io(() -> index.add(chunk));
    }

    private interface IndexWork {
        void run() throws IOException;
    }

    private static void io(IndexWork work) {
        try {
            work.run();
        } catch (IOException e) {
            throw new UncheckedIOException("the search index could not be written", e);
        }
    }
}
