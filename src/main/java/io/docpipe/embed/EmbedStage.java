package io.docpipe.embed;

import static io.docpipe.job.JobStatus.CHUNKS_STORED;
import static io.docpipe.job.JobStatus.COMPLETE;
import static io.docpipe.job.JobStatus.EMBEDDINGS_STORED;
import static io.docpipe.job.JobStatus.EMBEDDING_IN_PROGRESS;
import static io.docpipe.job.JobStatus.EMBEDDING_QUEUED;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.docpipe.document.DocumentRepository;
import io.docpipe.document.DocumentVersions;
import io.docpipe.embed.EmbeddingRepository.UnembeddedChunk;
import io.docpipe.embed.PendingBatch.PendingChunk;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobStatus;
import io.docpipe.observe.CorrelationContext;
import io.docpipe.job.JobVariables;
import io.docpipe.provider.ProviderAnswer;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The embed stage's bookkeeping around the provider calls the route makes. The jobs of one claim are embedded
 * together: their chunks still without a vector are packed into as few requests as the provider's limits allow,
 * each batch is stored as it arrives (a reclaimed job pays only for what is missing) with its usage attributed to
 * the jobs in it, and each job then moves to {@code embeddings_stored} and {@code complete}, where its document
 * becomes searchable (its source's current version) in the same transaction.
 */
public class EmbedStage {

    private final JobStateMachine jobs;
    private final EmbeddingRepository embeddings;
    private final EmbeddingBatcher batcher;
    private final TransactionTemplate tx;
    private final OpenAiBudget pricing;
    private final DocumentRepository documents;
    private final DocumentVersions versions;

    /** @param pricing what a job's share of a request's tokens costs (the price its budget reserves at) */
    public EmbedStage(JobStateMachine jobs, EmbeddingRepository embeddings, EmbeddingBatcher batcher,
            TransactionTemplate tx, OpenAiBudget pricing, DocumentRepository documents, DocumentVersions versions) {
        this.jobs = jobs;
        this.embeddings = embeddings;
        this.batcher = batcher;
        this.tx = tx;
        this.pricing = pricing;
        this.documents = documents;
        this.versions = versions;
    }

    /**
     * Brings each claimed job to {@code embedding_in_progress}.
     *
     * @return the jobs this worker goes on with, in the state they are now in; jobs another worker took on are left out
     */
    public List<ClaimedJob> start(@Body List<ClaimedJob> claimed) {
        List<ClaimedJob> started = new ArrayList<>();
        for (ClaimedJob job : claimed) {
            CorrelationContext.enter(job);
            JobStatus status = job.status();
            if (status == CHUNKS_STORED && jobs.advance(job.id(), CHUNKS_STORED, EMBEDDING_QUEUED, null).applied()) {
                status = EMBEDDING_QUEUED;
            }
            if (status == EMBEDDING_QUEUED && jobs.advance(job.id(), EMBEDDING_QUEUED, EMBEDDING_IN_PROGRESS, null).applied()) {
                status = EMBEDDING_IN_PROGRESS;
            }
            if (status == EMBEDDING_IN_PROGRESS || status == EMBEDDINGS_STORED) {
                started.add(new ClaimedJob(job.id(), job.documentId(), job.correlationId(), status));
            }
        }
        CorrelationContext.leave();
        return started;
    }

    /** Packs the chunks still without a vector, of every job in progress, into request-sized batches. */
    public List<PendingBatch> plan(@Variable(JobVariables.JOBS) List<ClaimedJob> started) {
        List<PendingChunk> pending = new ArrayList<>();
        for (ClaimedJob job : started) {
            if (job.status() == EMBEDDING_IN_PROGRESS) {
                for (UnembeddedChunk chunk : embeddings.findUnembedded(job.documentId())) {
                    pending.add(new PendingChunk(chunk.chunkId(), job, chunk.text(), 0));
                }
            }
        }
        return batcher.batchChunks(pending);
    }

    /** Stores a batch's vectors with what the request cost, shared among its jobs by their tokens, in one transaction. */
    public void store(@Body EmbeddedBatch embedded) {
        tx.executeWithoutResult(status -> {
            embeddings.insert(embedded);
            if (embedded.usageTokens() > 0) {
                usageByJob(embedded).forEach((jobId, tokens) -> embeddings.addUsage(jobId, tokens, pricing.usd(tokens)));
            }
        });
    }

    /** The provider refused for good (no quota, bad key, bad request): the batch's jobs fail with its answer. */
    public void rejected(@Variable(JobVariables.BATCH) PendingBatch batch, @Body ProviderAnswer answer) {
        for (ClaimedJob job : batch.jobs()) {
            CorrelationContext.enter(job);
            jobs.fail(job.id(), EMBEDDING_IN_PROGRESS, JobStatus.FAILED_EMBEDDING, answer.rejection().toString(), null);
        }
        CorrelationContext.leave();
    }

    /** True while this worker still holds one of the batch's jobs in embedding_in_progress (not failed or postponed). */
    public boolean stillWorking(@Body PendingBatch batch) {
        return batch.jobs().stream().anyMatch(job -> jobs.isHeldBySelf(job.id(), EMBEDDING_IN_PROGRESS));
    }

    /** Marks each job's vectors stored once every chunk of it has one, then completes it. */
    public void finish(@Variable(JobVariables.JOBS) List<ClaimedJob> started) {
        for (ClaimedJob job : started) {
            CorrelationContext.enter(job);
            Boolean stored = tx.execute(status -> job.status() == EMBEDDINGS_STORED
                    // chunks still without a vector: a batch set the job aside (postponed or failed); it is not done
                    || embeddings.countUnembedded(job.documentId()) == 0
                            && jobs.advance(job.id(), EMBEDDING_IN_PROGRESS, EMBEDDINGS_STORED, null).applied());
            if (Boolean.TRUE.equals(stored)) {
                // complete, and searchable: its source's current version from now on (unless a newer one is)
                tx.executeWithoutResult(status -> {
                    if (jobs.handOff(job.id(), EMBEDDINGS_STORED, COMPLETE, null).applied()) {
                        versions.completed(documents.find(job.documentId()).orElseThrow());
                    }
                });
            }
        }
        CorrelationContext.leave();
    }

    /** The provider's billed tokens split among the batch's jobs in proportion to their inputs' tokens. */
    private static Map<UUID, Long> usageByJob(EmbeddedBatch embedded) {
        PendingBatch batch = embedded.batch();
        Map<UUID, Long> inputTokens = new LinkedHashMap<>();
        for (PendingChunk chunk : batch.chunks()) {
            if (chunk.job() != null) {
                inputTokens.merge(chunk.job().id(), (long) chunk.tokens(), Long::sum);
            }
        }
        long total = Math.max(1, batch.tokenCount());
        Map<UUID, Long> usage = new LinkedHashMap<>();
        inputTokens.forEach((jobId, tokens) -> usage.put(jobId, Math.round((double) embedded.usageTokens() * tokens / total)));
        return usage;
    }
}
