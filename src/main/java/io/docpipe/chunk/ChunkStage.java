package io.docpipe.chunk;

import static io.docpipe.job.JobStatus.CHUNKS_STORED;
import static io.docpipe.job.JobStatus.EMBEDDING_QUEUED;

import io.docpipe.document.ParsedTextPages;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobVariables;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The chunk stage's steps (route chunk-document in routes/chunk.yaml): cuts the parsed text into token-bounded
 * chunks and stores them together with the move to {@code chunks_stored}, in one transaction, so a reclaimed job
 * never leaves a second set of chunks. The text streams from its pages ({@link ParsedTextPages}) through the chunker
 * into the store, a batch of chunks at a time: a document of any size is chunked in bounded memory, and one of a
 * single batch (the common case) in one statement.
 */
public class ChunkStage {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkStage.class);

    private final JobStateMachine jobs;
    private final ParsedTextPages pages;
    private final ChunkRepository chunks;
    private final TokenChunker chunker;
    private final TransactionTemplate tx;
    private final int batchSize;

    /** @param batchSize chunks a statement stores at most */
    public ChunkStage(
            JobStateMachine jobs,
            ParsedTextPages pages,
            ChunkRepository chunks,
            TokenChunker chunker,
            TransactionTemplate tx,
            int batchSize) {
        this.jobs = jobs;
        this.pages = pages;
        this.chunks = chunks;
        this.chunker = chunker;
        this.tx = tx;
        this.batchSize = batchSize;
    }

    /**
     * The parsed text of a claimed job (its claim moved it to {@code chunking}), opened for chunking: empty when it
     * has none. Reads its first pages.
     */
    public TextToChunk cut(@Body ClaimedJob job) {
        return new TextToChunk(pages.reader(job.documentId()));
    }

    /**
     * Cuts the text into chunks and stores them a batch at a time, then moves the job chunking -> chunks_stored ->
     * embedding_queued, in one transaction; nothing is written when the worker no longer holds the job (a batch
     * finds it taken over and chunking stops, or the move does: what was written is rolled back).
     */
    public void storeAndQueue(@Body TextToChunk text, @Variable(JobVariables.JOB) ClaimedJob job) {
        tx.executeWithoutResult(status -> {
            List<Chunk> batch = new ArrayList<>(Math.min(batchSize, 64));
            int count;
            try {
                count = chunker.chunk(text.reader(), chunk -> {
                    if (batch.size() == batchSize) {
                        if (!chunks.storeBatch(job, batch)) {
                            throw new TakenOver();
                        }
                        batch.clear();
                    }
                    batch.add(chunk);
                });
            } catch (TakenOver e) {
                LOG.debug("job {} was taken over while it was chunked: nothing stored", job.id());
                status.setRollbackOnly();
                return;
            }
            if (chunks.storeLast(job, batch, count)) {
                jobs.moved(CHUNKS_STORED);
                jobs.handOff(job.in(CHUNKS_STORED), CHUNKS_STORED, EMBEDDING_QUEUED, null);
            } else {
                status.setRollbackOnly(); // taken over: the batches stored before go too
            }
        });
    }

    /** The job was taken over while it was chunked: chunking stops. */
    private static final class TakenOver extends RuntimeException {
        TakenOver() {
            super(null, null, false, false);
        }
    }
}
