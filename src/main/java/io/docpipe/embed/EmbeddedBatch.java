package io.docpipe.embed;

import java.util.List;

/**
 * The vectors for a {@link PendingBatch}, in the batch's order, with their provenance.
 *
 * @param fallback    true when the mock made them in place of an unavailable real service
 * @param usageTokens the tokens the provider billed for the request (0 for the mock)
 */
public record EmbeddedBatch(
        PendingBatch batch, List<float[]> vectors, String provider, String model, boolean fallback, long usageTokens) {

    public EmbeddedBatch {
        if (vectors.size() != batch.chunkIds().size()) {
            throw new IllegalArgumentException(
                    "expected " + batch.chunkIds().size() + " vectors, got " + vectors.size());
        }
    }
}
