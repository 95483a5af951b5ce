package io.docpipe.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generated Markdown documents for search tests: paragraphs of common words drawn from a fixed vocabulary by a seeded
 * random generator, so every run uploads the same corpus and no document contains the passages tests look for.
 */
public final class SearchCorpus {

    private static final String[] WORDS = ("the of and to in a is that for it as was with be by on not he this are or"
                    + " his from at which but have an they you were her she there been one all we their has would when if so no"
                    + " will more can about said up out them some what could time into only other new like than then these two"
                    + " may first any way over also after years where most made should between such well work because long"
                    + " system report market water city group number part general public history process state level order"
                    + " service policy field case development interest research community program company data power")
            .split(" ");

    private SearchCorpus() {}

    /** {@code count} documents of about {@code wordsEach} words, the same for the same seed. */
    public static List<byte[]> documents(int count, int wordsEach, long seed) {
        Random random = new Random(seed);
        List<byte[]> documents = new ArrayList<>(count);
        for (int d = 0; d < count; d++) {
            StringBuilder text = new StringBuilder("# Filler document " + d + "\n\n");
            for (int w = 0; w < wordsEach; w++) {
                text.append(WORDS[random.nextInt(WORDS.length)]).append(w % 17 == 16 ? ".\n\n" : " ");
            }
            documents.add(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        return documents;
    }
}
