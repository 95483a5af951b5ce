package io.docpipe.embed;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

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
        WordCounts words = wordCounts(text);
        for (int i = 0; i < words.size; i++) {
            add(values, words.hashes[i], 1 + Math.log(words.counts[i]));
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
     * Each word's hash (of the word lower-cased), with its count, in the order the words first appear. An ASCII word
     * (nearly all) is hashed as it is read, lower-cased on the way, without becoming a String; a word with other
     * characters is lower-cased whole first, as Unicode may change its length.
     */
    private static WordCounts wordCounts(String text) {
        WordCounts counts = new WordCounts();
        StringBuilder word = new StringBuilder();
        long fnv = FNV_OFFSET;
        boolean ascii = true;
        for (int i = 0; i <= text.length(); i++) {
            int c = i < text.length() ? text.codePointAt(i) : ' ';
            boolean upper = c >= 'A' && c <= 'Z';
            if (upper || (c < 128 ? c >= 'a' && c <= 'z' || c >= '0' && c <= '9' : Character.isLetterOrDigit(c))) {
                int lower = upper ? c + ('a' - 'A') : c;
                word.appendCodePoint(lower);
                if (lower < 128) {
                    fnv = (fnv ^ lower) * FNV_PRIME;
                } else {
                    ascii = false;
                    i += Character.charCount(c) - 1;
                }
            } else if (!word.isEmpty()) {
                counts.add(ascii ? mix(fnv) : hash(word.toString().toLowerCase(Locale.ROOT)));
                word.setLength(0);
                fnv = FNV_OFFSET;
                ascii = true;
            }
        }
        return counts;
    }

    /** Hashes with their counts: open addressing on the hash itself (two words of one 64-bit hash count as one). */
    private static final class WordCounts {
        private long[] table = new long[64];
        private int[] slots = new int[64];
        long[] hashes = new long[32];
        int[] counts = new int[32];
        int size;

        void add(long hash) {
            int mask = table.length - 1;
            for (int slot = (int) hash & mask; ; slot = (slot + 1) & mask) {
                int entry = slots[slot];
                if (entry == 0) {
                    if (size == hashes.length) {
                        hashes = Arrays.copyOf(hashes, size * 2);
                        counts = Arrays.copyOf(counts, size * 2);
                    }
                    hashes[size] = hash;
                    counts[size] = 1;
                    slots[slot] = ++size; // entry + 1: 0 marks a free slot
                    table[slot] = hash;
                    if (size * 2 > table.length) {
                        grow();
                    }
                    return;
                }
                if (table[slot] == hash) {
                    counts[entry - 1]++;
                    return;
                }
            }
        }

        private void grow() {
            long[] oldTable = table;
            int[] oldSlots = slots;
            table = new long[oldTable.length * 2];
            slots = new int[oldTable.length * 2];
            int mask = table.length - 1;
            for (int i = 0; i < oldSlots.length; i++) {
                if (oldSlots[i] != 0) {
                    int slot = (int) oldTable[i] & mask;
                    while (slots[slot] != 0) {
                        slot = (slot + 1) & mask;
                    }
                    slots[slot] = oldSlots[i];
                    table[slot] = oldTable[i];
                }
            }
        }
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
        return mix(h);
    }

    private static long mix(long h) {
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
