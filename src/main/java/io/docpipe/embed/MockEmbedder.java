package io.docpipe.embed;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Deterministic, free stand-in vectors that behave like embeddings for search: lexical. Each word of the text
 * (a run of letters or digits, lower-cased) is hashed to one of the dimensions with a sign (the "hashing trick"),
 * weighted by 1 + ln(its count), and the vector is L2-normalised. The same text always gets the same vector, texts
 * sharing words are near (their cosine grows with the words they share), and texts without a word in common are
 * nearly orthogonal. A text without any word (only punctuation) is hashed whole into one dimension.
 */
public class MockEmbedder {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final int dimensions;

    public MockEmbedder(int dimensions) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be positive, was " + dimensions);
        }
        this.dimensions = dimensions;
    }

    public float[] embed(String text) {
        double[] values = new double[dimensions];
        for (Map.Entry<String, int[]> word : wordCounts(text).entrySet()) {
            add(values, hash(word.getKey()), 1 + Math.log(word.getValue()[0]));
        }
        double norm = norm(values);
        if (norm == 0) {
            // no word, or words whose signs cancelled out: the whole text is the feature
            add(values, hash("\u0000" + text), 1);
            norm = norm(values);
        }
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) (values[i] / norm);
        }
        return vector;
    }

    public List<float[]> embedAll(List<String> texts) {
        return texts.stream().map(this::embed).toList();
    }

    /**
     * Each word, lower-cased, with its count. ASCII letters are lower-cased as they are read, so a word of ASCII only
     * (nearly all) needs no second pass; a count is a mutable cell, not a boxed Integer merged anew.
     */
    private static Map<String, int[]> wordCounts(String text) {
        Map<String, int[]> counts = new HashMap<>();
        StringBuilder word = new StringBuilder();
        boolean ascii = true;
        for (int i = 0; i <= text.length(); i++) {
            int c = i < text.length() ? text.codePointAt(i) : ' ';
            if (c < 128 ? c >= 'a' && c <= 'z' || c >= '0' && c <= '9' : Character.isLetterOrDigit(c)) {
                word.appendCodePoint(c);
                ascii &= c < 128;
                if (Character.charCount(c) == 2) {
                    i++;
                }
            } else if (c >= 'A' && c <= 'Z') {
                word.append((char) (c + ('a' - 'A')));
            } else if (word.length() > 0) {
                String key = ascii ? word.toString() : word.toString().toLowerCase(Locale.ROOT);
                counts.computeIfAbsent(key, k -> new int[1])[0]++;
                word.setLength(0);
                ascii = true;
            }
        }
        return counts;
    }

    /** The dimension is taken from the hash's low bits, the sign from its top bit. */
    private void add(double[] values, long hash, double weight) {
        int dimension = (int) Long.remainderUnsigned(hash, dimensions);
        values[dimension] += hash < 0 ? -weight : weight;
    }

    /** 64-bit FNV-1a over the UTF-16 code units, finished with MurmurHash3's mixer so every bit depends on all. */
    private static long hash(String word) {
        long h = FNV_OFFSET;
        for (int i = 0; i < word.length(); i++) {
            h ^= word.charAt(i);
            h *= FNV_PRIME;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private static double norm(double[] values) {
        double sumOfSquares = 0;
        for (double value : values) {
            sumOfSquares += value * value;
        }
        return Math.sqrt(sumOfSquares);
    }
}
