package io.docpipe.search;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How a search ranks chunks: by their words (BM25), by their vectors (HNSW), or both fused by rank. */
public enum SearchMode {
    HYBRID,
    VECTOR,
    KEYWORD;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean usesVectors() {
        return this != KEYWORD;
    }

    public boolean usesWords() {
        return this != VECTOR;
    }

    public static Optional<SearchMode> fromWireName(String value) {
        return Arrays.stream(values())
                .filter(mode -> mode.wireName().equals(value))
                .findFirst();
    }
}
