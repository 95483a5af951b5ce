package io.docpipe.search;

import io.docpipe.embed.EmbeddingRepository;
import io.docpipe.embed.EmbeddingRepository.SearchableChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
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
 * snapshot does not see, and their searchable chunks as of the run's own snapshot, into a local spool
 * ({@link ChunkSpool}); the transaction ends there. It then replaces those documents' chunks in the index and
 * publishes them with the run's snapshot. Transactions commit in any order, but a change is
 * applied exactly when the applied snapshot sees its transaction, so none is skipped; all the changes of one
 * transaction (a version swap: the new version in, the old one out) land in one batch, which searches see at once.
 * An index without an applied snapshot (new, emptied, or older than the change log's retention) is built from
 * every searchable chunk the same way.
 *
 * <p>Published batches are made durable every {@code commitInterval} (a build at once): a crash loses at most the
 * batches since, which the next start applies again. The follower's thread (route follow-search-index) and its
 * pacing keep its work to what ingestion leaves of the machine ({@link IndexWorkShare}).
 */
public class SearchIndexFollower {

    private static final Logger LOG = LoggerFactory.getLogger(SearchIndexFollower.class);

    private final SearchIndex index;
    private final SearchQueries queries;
    private final EmbeddingRepository embeddings;
    private final TransactionTemplate snapshotTx;
    private final IndexPacer pacer;
    private final long commitIntervalNanos;
    private long committedAt = System.nanoTime();
    /** A build was given up half way: its emptying was not published, and only a build may publish it. */
    private boolean buildUnfinished;

    /**
     * @param snapshotTx     repeatable read, read only: every read of one run sees one snapshot
     * @param share          how much of the machine the follower's work takes beside ingestion
     * @param commitInterval how long published batches may wait to be made durable
     */
    public SearchIndexFollower(
            SearchIndex index,
            SearchQueries queries,
            EmbeddingRepository embeddings,
            TransactionTemplate snapshotTx,
            IndexWorkShare share,
            Duration commitInterval) {
        this.index = index;
        this.queries = queries;
        this.embeddings = embeddings;
        this.snapshotTx = snapshotTx;
        this.pacer = share.pacer();
        this.commitIntervalNanos = commitInterval.toNanos();
    }

    /** @return the documents re-read, or every chunk indexed when the index was built from scratch */
    public synchronized int follow() {
        String applied = index.appliedSnapshot();
        // the snapshot's reads are spooled, and the transaction ends before the index works on them
        Batch batch = snapshotTx.execute(status -> {
            if (applied == null || buildUnfinished || queries.isPastHorizon(applied)) {
                return spoolAll();
            }
            List<UUID> changed = queries.unappliedChanges(applied);
            if (changed.isEmpty()) {
                return null;
            }
            String snapshot = queries.currentSnapshot();
            return new Batch(snapshot, changed, spooled(sink -> embeddings.streamSearchable(changed, sink)));
        });
        int done = batch == null ? 0 : apply(batch);
        if (System.nanoTime() - committedAt >= commitIntervalNanos) {
            commit();
        }
        return done;
    }

    /** Builds the index again from every searchable chunk (route rebuild-search-index). */
    public synchronized int rebuild() {
        Batch all = snapshotTx.execute(status -> spoolAll());
        return apply(all);
    }

    /** The documents a batch replaces (null: every document, a build), their chunks, and the snapshot they are of. */
    private record Batch(String snapshot, List<UUID> documents, ChunkSpool spool) {}

    /** Inside the snapshot transaction: every searchable chunk, for a build. */
    private Batch spoolAll() {
        String snapshot = queries.currentSnapshot();
        return new Batch(snapshot, null, spooled(embeddings::streamSearchable));
    }

    /** Inside the snapshot transaction: the chunks {@code read} gives, in a new spool. */
    private ChunkSpool spooled(Consumer<Consumer<SearchableChunk>> read) {
        ChunkSpool spool = ChunkSpool.create(spoolFile());
        try {
            read.accept(spool::write);
        } catch (RuntimeException e) {
            try {
                spool.close();
            } catch (IOException | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return spool;
    }

    /**
     * Outside any transaction, paced: replaces the batch's documents in the index and publishes it; a build is made
     * durable at once.
     */
    private int apply(Batch batch) {
        long started = System.nanoTime();
        try (ChunkSpool spool = batch.spool()) {
            pacer.start();
            if (batch.documents() == null) {
                buildUnfinished = true;
                io(index::deleteAll);
            } else {
                io(() -> {
                    for (UUID document : batch.documents()) {
                        index.delete(document);
                    }
                });
            }
            spool.replay(adding());
            io(() -> index.publish(batch.snapshot()));
            if (batch.documents() != null) {
                LOG.debug(
                        "search index: applied changes of {} documents",
                        batch.documents().size());
                return batch.documents().size();
            }
            buildUnfinished = false;
            commit();
            LOG.info(
                    "search index {} built from PostgreSQL: {} chunks in {} ms",
                    index.path(),
                    spool.chunks(),
                    (System.nanoTime() - started) / 1_000_000);
            return spool.chunks();
        } catch (IOException e) {
            throw new UncheckedIOException("the search index's spool could not be removed", e);
        }
    }

    /** Beside the index's directory; one per index, which one instance alone holds. */
    private Path spoolFile() {
        return index.path().resolveSibling(index.path().getFileName() + ".spool");
    }

    private void commit() {
        io(index::commit);
        committedAt = System.nanoTime();
    }

    private Consumer<SearchableChunk> adding() {
        return chunk -> {
            io(() -> index.add(chunk));
            pacer.pace();
        };
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
