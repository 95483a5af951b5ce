package io.docpipe.embed;

import io.docpipe.job.ClaimedJob;
import java.util.List;

/**
 * Chunks to embed in one request, possibly of several jobs; {@code chunks.get(i)} is input {@code i}.
 *
 * @param tokenCount the summed cl100k_base tokens of the inputs
 */
public record PendingBatch(List<PendingChunk> chunks, int tokenCount) {

    /**
     * One input of the request.
     *
     * @param job    the job the chunk belongs to, or null when no job waits for it (re-embedding)
     * @param text   the text sent, truncated to the per-input token limit where needed
     * @param tokens its cl100k_base tokens
     */
    public record PendingChunk(long chunkId, ClaimedJob job, String text, int tokens) {}

    public List<String> texts() {
        return chunks.stream().map(PendingChunk::text).toList();
    }

    public List<Long> chunkIds() {
        return chunks.stream().map(PendingChunk::chunkId).toList();
    }

    /** The jobs whose chunks are in the batch, in order of first appearance. */
    public List<ClaimedJob> jobs() {
        return chunks.stream()
                .map(PendingChunk::job)
                .filter(java.util.Objects::nonNull)
                .distinct()
                .toList();
    }
}
