package io.docpipe.chunk;

import static io.docpipe.job.JobStatus.CHUNKING;
import static io.docpipe.job.JobStatus.CHUNKS_STORED;
import static io.docpipe.job.JobStatus.EMBEDDING_QUEUED;
import static io.docpipe.job.JobStatus.FAILED_CHUNKING;

import java.util.List;

import io.docpipe.document.DocumentRepository;
import io.docpipe.document.StoredDocument;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The chunk stage: cuts the parsed text into token-bounded chunks and stores them together with the move to
 * {@code chunks_stored}, in one transaction, so a reclaimed job never leaves a second set of chunks.
 */
public class ChunkStage {

    private final JobStateMachine jobs;
    private final DocumentRepository documents;
    private final ChunkRepository chunks;
    private final TokenChunker chunker;
    private final TransactionTemplate tx;

    public ChunkStage(JobStateMachine jobs, DocumentRepository documents, ChunkRepository chunks, TokenChunker chunker,
            TransactionTemplate tx) {
        this.jobs = jobs;
        this.documents = documents;
        this.chunks = chunks;
        this.chunker = chunker;
        this.tx = tx;
    }

    /** Chunks a claimed job (its claim moved it to {@code chunking}) and queues it for embedding. */
    public void chunk(ClaimedJob job) {
        StoredDocument document = documents.find(job.documentId()).orElseThrow();
        List<Chunk> pieces = chunker.chunk(document.parsedContent() == null ? "" : document.parsedContent());
        if (pieces.isEmpty()) {
            jobs.fail(job, CHUNKING, FAILED_CHUNKING, "the parsed document has no text to chunk", null);
            return;
        }
        tx.executeWithoutResult(status -> {
            // nothing is written when the worker no longer holds the job
            if (chunks.store(job, pieces)) {
                jobs.moved(CHUNKS_STORED);
                jobs.handOff(job.in(CHUNKS_STORED), CHUNKS_STORED, EMBEDDING_QUEUED, null);
            }
        });
    }
}
