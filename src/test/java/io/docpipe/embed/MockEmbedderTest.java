package io.docpipe.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class MockEmbedderTest {

    private final MockEmbedder embedder = new MockEmbedder(1536);

    @Test
    void should_give_the_same_text_the_same_vector_in_every_embedder() {
        assertThat(embedder.embed("same text")).containsExactly(embedder.embed("same text"));
        assertThat(new MockEmbedder(1536).embed("Vectors of a passage"))
                .containsExactly(embedder.embed("Vectors of a passage"));
    }

    @Test
    void should_make_texts_without_a_word_in_common_nearly_orthogonal() {
        double cosine = cosine(
                embedder.embed("invoices from the harbour authority"),
                embedder.embed("quantum chromodynamics lecture"));

        assertThat(cosine).isBetween(-0.2, 0.2);
    }

    @Test
    void should_make_texts_sharing_words_near_and_nearer_the_more_they_share() {
        String passage = "The harbour authority publishes tide tables for every pier each spring";
        double nearDuplicate = cosine(embedder.embed(passage), embedder.embed(passage.replace("spring", "autumn")));
        double someWords = cosine(embedder.embed(passage), embedder.embed("tide tables of the harbour"));
        double unrelated = cosine(embedder.embed(passage), embedder.embed("compilers translate source code"));

        assertThat(nearDuplicate).isGreaterThan(0.85);
        assertThat(someWords).isBetween(0.3, nearDuplicate);
        assertThat(unrelated).isLessThan(someWords - 0.2);
    }

    @Test
    void should_ignore_case_and_punctuation_between_words() {
        assertThat(embedder.embed("Tide tables, harbour!")).containsExactly(embedder.embed("tide TABLES harbour"));
    }

    @Test
    void should_still_make_distinct_unit_vectors_for_texts_without_words() {
        float[] dashes = embedder.embed("---");
        float[] stars = embedder.embed("***");

        assertThat(norm(dashes)).isCloseTo(1.0, offset(1e-5));
        assertThat(dashes).isNotEqualTo(stars);
        assertThat(norm(embedder.embed(""))).isCloseTo(1.0, offset(1e-5));
    }

    @Test
    void should_make_unit_vectors_of_the_configured_dimensions() {
        for (int dimensions : new int[] {8, 1536, 3072}) {
            float[] vector = new MockEmbedder(dimensions).embed("normalised words in a sentence");
            for (float x : vector) {
                assertThat(Float.isFinite(x)).isTrue();
            }
            assertThat(vector).hasSize(dimensions);
            assertThat(norm(vector)).isCloseTo(1.0, offset(1e-5));
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }

    private static double norm(float[] vector) {
        double sum = 0;
        for (float x : vector) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }
}
