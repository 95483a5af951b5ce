package io.docpipe.embed;

import java.util.ArrayList;
import java.util.List;

import io.docpipe.embed.EmbeddingRepository.UnembeddedChunk;
import io.docpipe.provider.ServiceMode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.Body;

/**
 * Upgrades the vectors the mock made while OpenAI was down (hybrid mode): once OpenAI's circuit is closed again,
 * they are embedded for real and replaced in place.
 */
public class ReembedService {

    private final EmbeddingRepository embeddings;
    private final EmbeddingBatcher batcher;
    private final ServiceMode mode;
    private final CircuitBreaker breaker;
    private final int chunksPerRun;

    public ReembedService(EmbeddingRepository embeddings, EmbeddingBatcher batcher, ServiceMode mode,
            CircuitBreaker breaker, int chunksPerRun) {
        this.embeddings = embeddings;
        this.batcher = batcher;
        this.mode = mode;
        this.breaker = breaker;
        this.chunksPerRun = chunksPerRun;
    }

    /** Only a hybrid deployment makes fallback vectors, and re-embedding waits until OpenAI is healthy. */
    public boolean due() {
        return mode == ServiceMode.HYBRID && breaker.getState() == CircuitBreaker.State.CLOSED;
    }

    public List<PendingBatch> pending() {
        List<UnembeddedChunk> chunks = embeddings.findFallbackEmbedded(chunksPerRun);
        List<String> texts = chunks.stream().map(UnembeddedChunk::text).toList();
        List<PendingBatch> batches = new ArrayList<>();
        for (EmbeddingBatch batch : batcher.batch(texts)) {
            List<Long> ids = batch.indexes().stream().map(i -> chunks.get(i).chunkId()).toList();
            batches.add(new PendingBatch(null, ids, batch.texts(), batch.tokenCount()));
        }
        return batches;
    }

    public void replace(@Body EmbeddedBatch embedded) {
        embeddings.replaceFallback(embedded);
    }
}
