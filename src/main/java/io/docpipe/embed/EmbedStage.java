package io.docpipe.embed;

import static io.docpipe.job.JobStatus.CHUNKS_STORED;
import static io.docpipe.job.JobStatus.COMPLETE;
import static io.docpipe.job.JobStatus.EMBEDDINGS_STORED;
import static io.docpipe.job.JobStatus.EMBEDDING_IN_PROGRESS;
import static io.docpipe.job.JobStatus.EMBEDDING_QUEUED;

import java.util.ArrayList;
import java.util.List;

import java.math.BigDecimal;

import io.docpipe.embed.EmbeddingRepository.UnembeddedChunk;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobStatus;
import io.docpipe.provider.ProviderRejection;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Variable;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The embed stage's bookkeeping around the provider calls that the route makes: which chunks still need a vector,
 * in which request-sized batches, storing each batch as it arrives (a reclaimed job pays only for what is missing),
 * and the final moves to {@code embeddings_stored} and {@code complete}.
 */
public class EmbedStage {

    private final JobStateMachine jobs;
    private final EmbeddingRepository embeddings;
    private final EmbeddingBatcher batcher;
    private final TransactionTemplate tx;
    private final BigDecimal usdPerMillionTokens;

    public EmbedStage(JobStateMachine jobs, EmbeddingRepository embeddings, EmbeddingBatcher batcher,
            TransactionTemplate tx, BigDecimal usdPerMillionTokens) {
        this.jobs = jobs;
        this.embeddings = embeddings;
        this.batcher = batcher;
        this.tx = tx;
        this.usdPerMillionTokens = usdPerMillionTokens;
    }

    /**
     * Brings the job to {@code embedding_in_progress} and plans the requests for its chunks without a vector.
     *
     * @return the batches, empty when nothing is left to embed, or null when another worker has taken the job on
     */
    public List<PendingBatch> prepare(ClaimedJob job) {
        JobStatus status = job.status();
        if (status == CHUNKS_STORED) {
            if (!jobs.advance(job.id(), CHUNKS_STORED, EMBEDDING_QUEUED, null).applied()) {
                return null;
            }
            status = EMBEDDING_QUEUED;
        }
        if (status == EMBEDDING_QUEUED) {
            if (!jobs.advance(job.id(), EMBEDDING_QUEUED, EMBEDDING_IN_PROGRESS, null).applied()) {
                return null;
            }
            status = EMBEDDING_IN_PROGRESS;
        }
        if (status != EMBEDDING_IN_PROGRESS) {
            return List.of();
        }
        // the batches carry the job in the state it is in while they run
        ClaimedJob inProgress = new ClaimedJob(job.id(), job.documentId(), job.correlationId(), EMBEDDING_IN_PROGRESS);
        List<UnembeddedChunk> pending = embeddings.findUnembedded(job.documentId());
        List<String> texts = pending.stream().map(UnembeddedChunk::text).toList();
        List<PendingBatch> batches = new ArrayList<>();
        for (EmbeddingBatch batch : batcher.batch(texts)) {
            List<Long> chunkIds = batch.indexes().stream().map(i -> pending.get(i).chunkId()).toList();
            batches.add(new PendingBatch(inProgress, chunkIds, batch.texts(), batch.tokenCount()));
        }
        return batches;
    }

    /** Stores a batch's vectors with what the request cost, in one transaction. */
    public void store(EmbeddedBatch embedded) {
        BigDecimal cost = usdPerMillionTokens.multiply(BigDecimal.valueOf(embedded.usageTokens()))
                .divide(BigDecimal.valueOf(1_000_000));
        tx.executeWithoutResult(status -> {
            embeddings.insert(embedded);
            if (embedded.usageTokens() > 0) {
                embeddings.addUsage(embedded.batch().job().id(), embedded.usageTokens(), cost);
            }
        });
    }

    /** The provider refused for good (no quota, bad key, bad request): the job fails with its answer. */
    public void rejected(@Variable("batch") PendingBatch batch,
            @ExchangeProperty(ProviderRejection.PROPERTY) ProviderRejection rejection) {
        jobs.fail(batch.job().id(), EMBEDDING_IN_PROGRESS, JobStatus.FAILED_EMBEDDING, rejection.toString(), null);
    }

    /** True while this worker still holds the job in embedding_in_progress (it was not failed or postponed). */
    public boolean stillWorking(@Body PendingBatch batch) {
        return jobs.isHeldBySelf(batch.job().id(), EMBEDDING_IN_PROGRESS);
    }

    /** Marks the vectors stored once every chunk has one, then completes the job. */
    public void finish(ClaimedJob job) {
        Boolean stored = tx.execute(status -> job.status() == EMBEDDINGS_STORED
                // chunks still without a vector: a batch set the job aside (postponed or failed); it is not done
                || embeddings.countUnembedded(job.documentId()) == 0
                        && jobs.advance(job.id(), EMBEDDING_IN_PROGRESS, EMBEDDINGS_STORED, null).applied());
        if (Boolean.TRUE.equals(stored)) {
            jobs.handOff(job.id(), EMBEDDINGS_STORED, COMPLETE, null);
        }
    }
}
