package io.docpipe.search;

/**
 * Vectors that can be compared with each other: those of one provider's model at one length. The mock's vectors
 * (lexical) and OpenAI's live in different spaces even under the same model name, and a model's vectors of another
 * length are another space again: each space is its own vector field of the index, and a query vector is only
 * ever compared within its own.
 */
public record VectorSpace(String provider, String model, int dimensions) {

    /** The index field holding this space's vectors. */
    public String fieldName() {
        return "vector:" + provider + ":" + model + ":" + dimensions;
    }
}
