package io.docpipe.chunk;

import static io.docpipe.job.JobStatus.CHUNKS_STORED;
import static io.docpipe.job.JobStatus.EMBEDDING_QUEUED;

import io.docpipe.document.DocumentRepository;
import io.docpipe.document.StoredDocument;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobVariables;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The chunk stage's steps (route chunk-document in routes/chunk.yaml): cuts the parsed text into token-bounded
 * chunks and stores them together with the move to {@code chunks_stored}, in one transaction, so a reclaimed job
 * never leaves a second set of chunks.
 */
public class ChunkStage {

    private final JobStateMachine jobs;
    private final DocumentRepository documents;
    private final ChunkRepository chunks;
    private final TokenChunker chunker;
    private final TransactionTemplate tx;

    public ChunkStage(
            JobStateMachine jobs,
            DocumentRepository documents,
            ChunkRepository chunks,
            TokenChunker chunker,
            TransactionTemplate tx) {
        this.jobs = jobs;
        this.documents = documents;
        this.chunks = chunks;
        this.chunker = chunker;
        this.tx = tx;
    }

    /** The chunks of a claimed job's parsed text (its claim moved it to {@code chunking}); none when it has no text. */
    public List<Chunk> cut(@Body ClaimedJob job) {
        StoredDocument document = documents.find(job.documentId()).orElseThrow();
        return chunker.chunk(document.parsedContent() == null ? "" : document.parsedContent());
    }

    /**
     * chunking -> chunks_stored -> embedding_queued with the chunks stored, in one transaction; nothing is written
     * when the worker no longer holds the job.
     */
    public void storeAndQueue(@Body List<Chunk> pieces, @Variable(JobVariables.JOB) ClaimedJob job) {
        tx.executeWithoutResult(status -> {
            if (chunks.store(job, pieces)) {
                jobs.moved(CHUNKS_STORED);
                jobs.handOff(job.in(CHUNKS_STORED), CHUNKS_STORED, EMBEDDING_QUEUED, null);
            }
        });
    }
}
