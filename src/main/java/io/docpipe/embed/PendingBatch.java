package io.docpipe.embed;

import java.util.List;

import io.docpipe.job.ClaimedJob;

/** Chunks of one job to embed in one request: {@code chunkIds.get(i)} is the chunk of {@code texts.get(i)}. */
public record PendingBatch(ClaimedJob job, List<Long> chunkIds, List<String> texts, int tokenCount) {
}
