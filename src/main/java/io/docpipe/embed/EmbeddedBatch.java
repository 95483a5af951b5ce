package io.docpipe.embed;

import java.util.List;

/**
 * The vectors for a {@link PendingBatch}, in the batch's order, with their provenance.
 *
 * @param fallback true when the mock made them in place of an unavailable real service
 */
public record EmbeddedBatch(PendingBatch batch, List<float[]> vectors, String provider, String model, boolean fallback) {

    public EmbeddedBatch {
        if (vectors.size() != batch.chunkIds().size()) {
            throw new IllegalArgumentException(
                    "expected " + batch.chunkIds().size() + " vectors, got " + vectors.size());
        }
    }
}
