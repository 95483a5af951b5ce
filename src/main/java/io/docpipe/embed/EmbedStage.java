package io.docpipe.embed;

import static io.docpipe.job.JobStatus.CHUNKS_STORED;
import static io.docpipe.job.JobStatus.COMPLETE;
import static io.docpipe.job.JobStatus.EMBEDDINGS_STORED;
import static io.docpipe.job.JobStatus.EMBEDDING_IN_PROGRESS;
import static io.docpipe.job.JobStatus.EMBEDDING_QUEUED;

import io.docpipe.document.DocumentVersions;
import io.docpipe.embed.EmbeddingRepository.UnembeddedChunk;
import io.docpipe.embed.PendingBatch.PendingChunk;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.ClaimedJobs;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobVariables;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The embed stage's bookkeeping around the provider calls its routes make (routes/embed.yaml). The jobs of one claim are embedded
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
    private final ClaimedJobs claimedJobs;
    private final DocumentVersions versions;
    private final int planWindowChunks;

    /**
     * @param pricing          what a job's share of a request's tokens costs (the price its budget reserves at)
     * @param planWindowChunks chunks read and packed at a time
     */
    public EmbedStage(
            JobStateMachine jobs,
            EmbeddingRepository embeddings,
            EmbeddingBatcher batcher,
            TransactionTemplate tx,
            OpenAiBudget pricing,
            ClaimedJobs claimedJobs,
            DocumentVersions versions,
            int planWindowChunks) {
        this.planWindowChunks = planWindowChunks;
        this.claimedJobs = claimedJobs;
        this.jobs = jobs;
        this.embeddings = embeddings;
        this.batcher = batcher;
        this.tx = tx;
        this.pricing = pricing;
        this.versions = versions;
    }

    /**
     * The claimed jobs this worker goes on with, in {@code embedding_in_progress} (the claim started the queued ones)
     * or {@code embeddings_stored} (taken over after their vectors were stored); jobs taken over after chunking are
     * started here.
     */
    public List<ClaimedJob> start(@Body List<ClaimedJob> claimed) {
        List<ClaimedJob> started = new ArrayList<>();
        List<ClaimedJob> stored = new ArrayList<>();
        List<ClaimedJob> queued = new ArrayList<>();
        for (ClaimedJob job : claimed) {
            if (job.status() == EMBEDDING_IN_PROGRESS || job.status() == EMBEDDINGS_STORED) {
                started.add(job);
            } else if (job.status() == CHUNKS_STORED) {
                stored.add(job);
            } else if (job.status() == EMBEDDING_QUEUED) {
                queued.add(job);
            }
        }
        queued.addAll(jobs.moveAll(stored, CHUNKS_STORED, EMBEDDING_QUEUED, null, false));
        started.addAll(jobs.moveAll(queued, EMBEDDING_QUEUED, EMBEDDING_IN_PROGRESS, null, false));
        return started;
    }

    /**
     * Packs the chunks still without a vector, of every job in progress, into request-sized batches, read and
     * packed a window of {@code planWindowChunks} chunks at a time as the batches are taken (route
     * embed-claimed-jobs splits them streaming), so a document of any number of chunks takes bounded memory. A claim
     * of fewer chunks (the common case) is one query and packed as one.
     */
    public Iterable<PendingBatch> plan(@Variable(JobVariables.JOBS) List<ClaimedJob> started) {
        Map<UUID, ClaimedJob> byDocument = new LinkedHashMap<>();
        for (ClaimedJob job : started) {
            if (job.status() == EMBEDDING_IN_PROGRESS) {
                byDocument.put(job.documentId(), job);
            }
        }
        List<UUID> documentIds = List.copyOf(byDocument.keySet());
        return () -> new Iterator<>() {
            private Iterator<PendingBatch> window = Collections.emptyIterator();
            private UnembeddedChunk last;
            private boolean more = true;

            @Override
            public boolean hasNext() {
                while (!window.hasNext() && more) {
                    List<UnembeddedChunk> chunks = embeddings.findUnembedded(documentIds, last, planWindowChunks);
                    more = chunks.size() == planWindowChunks;
                    List<PendingChunk> pending = new ArrayList<>(chunks.size());
                    for (UnembeddedChunk chunk : chunks) {
                        pending.add(new PendingChunk(
                                chunk.chunkId(), byDocument.get(chunk.documentId()), chunk.text(), chunk.tokenCount()));
                        last = chunk;
                    }
                    window = batcher.batchChunks(pending).iterator();
                }
                return window.hasNext();
            }

            @Override
            public PendingBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return window.next();
            }
        };
    }

    /** Stores a batch's vectors with what the request cost, shared among its jobs by their tokens, in one transaction. */
    public void store(@Body EmbeddedBatch embedded) {
        tx.executeWithoutResult(status -> {
            embeddings.insert(embedded);
            if (embedded.usageTokens() > 0) {
                usageByJob(embedded)
                        .forEach((jobId, tokens) -> embeddings.addUsage(jobId, tokens, pricing.usd(tokens)));
            }
        });
    }

    /**
     * Right before a batch is paid for: the batch cut to the chunks of jobs this worker still holds in
     * {@code embedding_in_progress}, their leases renewed (fencing); null when it holds none of them any more. A job
     * an earlier batch of this claim set aside (failed, postponed) or another worker took over is no longer held.
     */
    public PendingBatch fence(@Body PendingBatch batch) {
        Set<ClaimedJob> held = Set.copyOf(claimedJobs.stillHeld(batch.jobs()));
        if (held.size() == batch.jobs().size()) {
            return batch;
        }
        List<PendingChunk> chunks = batch.chunks().stream()
                .filter(chunk -> held.contains(chunk.job()))
                .toList();
        return chunks.isEmpty()
                ? null
                : new PendingBatch(
                        chunks, chunks.stream().mapToInt(PendingChunk::tokens).sum());
    }

    /**
     * Completes the jobs whose chunks all have a vector: embedding_in_progress -> embeddings_stored -> complete, each
     * move one statement for all of them, in one transaction. A job a batch set aside (failed, postponed) is no
     * longer held in progress and is left alone.
     */
    public void complete(@Variable(JobVariables.JOBS) List<ClaimedJob> started) {
        tx.executeWithoutResult(status -> {
            List<ClaimedJob> inProgress = started.stream()
                    .filter(job -> job.status() == EMBEDDING_IN_PROGRESS)
                    .toList();
            Set<UUID> storedNow = embeddings.storeEmbeddedJobs(inProgress);
            List<ClaimedJob> stored = new ArrayList<>();
            for (ClaimedJob job : started) {
                if (job.status() == EMBEDDINGS_STORED) {
                    stored.add(job);
                } else if (storedNow.contains(job.id())) {
                    jobs.moved(EMBEDDINGS_STORED);
                    stored.add(job.in(EMBEDDINGS_STORED));
                }
            }
            // complete, and searchable: each its source's current version from now on (unless a newer one is)
            versions.completed(jobs.moveAll(stored, EMBEDDINGS_STORED, COMPLETE, null, true).stream()
                    .map(ClaimedJob::documentId)
                    .toList());
        });
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
        inputTokens.forEach(
                (jobId, tokens) -> usage.put(jobId, Math.round((double) embedded.usageTokens() * tokens / total)));
        return usage;
    }
}
