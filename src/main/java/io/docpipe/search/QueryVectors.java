package io.docpipe.search;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A query's vectors, one per vector space the search looks in.
 *
 * @param openAiWanted the mode searches OpenAI's space but the vector is not there (yet: it is asked for next)
 */
public record QueryVectors(Map<VectorSpace, float[]> vectors, boolean openAiWanted) {

    public QueryVectors {
        vectors = Map.copyOf(vectors);
    }

    public static QueryVectors none() {
        return new QueryVectors(Map.of(), false);
    }

    /** These vectors and one more, with nothing more wanted. */
    public QueryVectors with(VectorSpace space, float[] vector) {
        Map<VectorSpace, float[]> more = new LinkedHashMap<>(vectors);
        more.put(space, vector);
        return new QueryVectors(more, false);
    }

    /** These vectors, with nothing more wanted (OpenAI's could not be had). */
    public QueryVectors asTheyAre() {
        return new QueryVectors(vectors, false);
    }
}
