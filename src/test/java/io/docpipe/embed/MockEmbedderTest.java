package io.docpipe.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class MockEmbedderTest {

    private final MockEmbedder embedder = new MockEmbedder(1536);

    @Test
    void should_give_the_same_text_the_same_vector() {
        assertThat(embedder.embed("same text")).containsExactly(embedder.embed("same text"));
    }

    @Test
    void should_give_different_texts_different_vectors() {
        float[] a = embedder.embed("text a");
        float[] b = embedder.embed("text b");

        double cosine = 0;
        for (int i = 0; i < a.length; i++) {
            cosine += a[i] * b[i];
        }
        assertThat(cosine).isBetween(-0.2, 0.2);
    }

    @Test
    void should_make_unit_vectors_of_the_configured_dimensions() {
        for (int dimensions : new int[] {8, 1536, 3072}) {
            float[] vector = new MockEmbedder(dimensions).embed("normalised");
            double norm = 0;
            for (float x : vector) {
                assertThat(Float.isFinite(x)).isTrue();
                norm += x * x;
            }
            assertThat(vector).hasSize(dimensions);
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, offset(1e-5));
        }
    }
}
