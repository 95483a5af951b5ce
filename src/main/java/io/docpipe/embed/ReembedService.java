package io.docpipe.embed;

import io.docpipe.document.SearchChangeLog;
import io.docpipe.embed.PendingBatch.PendingChunk;
import io.docpipe.provider.ServiceMode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.List;
import org.apache.camel.Body;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Upgrades the vectors the mock made while OpenAI was down or over budget (hybrid mode): once OpenAI's circuit is
 * closed again and its budget has room, they are embedded for real and replaced in place.
 */
public class ReembedService {

    private final EmbeddingRepository embeddings;
    private final EmbeddingBatcher batcher;
    private final ServiceMode mode;
    private final CircuitBreaker breaker;
    private final int chunksPerRun;
    private final TransactionTemplate tx;
    private final SearchChangeLog changes;

    public ReembedService(
            EmbeddingRepository embeddings,
            EmbeddingBatcher batcher,
            ServiceMode mode,
            CircuitBreaker breaker,
            int chunksPerRun,
            TransactionTemplate tx,
            SearchChangeLog changes) {
        this.embeddings = embeddings;
        this.batcher = batcher;
        this.mode = mode;
        this.breaker = breaker;
        this.chunksPerRun = chunksPerRun;
        this.tx = tx;
        this.changes = changes;
    }

    /**
     * Only a hybrid deployment makes fallback vectors. Re-embedding waits while the circuit is open; a half-open
     * circuit needs exactly such a trial call to close again.
     */
    public boolean due() {
        CircuitBreaker.State state = breaker.getState();
        return mode == ServiceMode.HYBRID
                && state != CircuitBreaker.State.OPEN
                && state != CircuitBreaker.State.FORCED_OPEN;
    }

    public List<PendingBatch> pending() {
        return batcher.batchChunks(embeddings.findFallbackEmbedded(chunksPerRun).stream()
                .map(chunk -> new PendingChunk(chunk.chunkId(), null, chunk.text(), chunk.tokenCount()))
                .toList());
    }

    /** @return the chunks a run tried to re-embed (the sweep's count) */
    public int chunksInRun(@Body List<PendingBatch> batches) {
        return batches.stream().mapToInt(batch -> batch.chunks().size()).sum();
    }

    /** Replaces the vectors and tells the search indexes, in one transaction. */
    public void replace(@Body EmbeddedBatch embedded) {
        tx.executeWithoutResult(status -> {
            embeddings.replaceFallback(embedded);
            changes.chunksChanged(embedded.batch().chunkIds());
        });
    }
}
