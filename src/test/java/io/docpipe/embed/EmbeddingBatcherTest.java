package io.docpipe.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.docpipe.chunk.TokenCounter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EmbeddingBatcherTest {

    private static final TokenCounter COUNTER = new TokenCounter();

    @Test
    void should_bound_batches_by_inputs_with_the_fewest_requests() {
        List<String> texts = Collections.nCopies(5000, "tiny");

        List<EmbeddingBatch> batches = new EmbeddingBatcher(COUNTER, 2048, 300_000, 8191).batch(texts);

        assertThat(batches).extracting(b -> b.texts().size()).containsExactly(2048, 2048, 904);
    }

    @Test
    void should_bound_batches_by_summed_tokens() {
        List<String> texts = Collections.nCopies(10, "ten tokens of text go into this one input here");
        int perText = COUNTER.count(texts.get(0));

        List<EmbeddingBatch> batches = new EmbeddingBatcher(COUNTER, 2048, perText * 3, perText).batch(texts);

        assertThat(batches).hasSize(4).allSatisfy(b -> assertThat(b.tokenCount())
                .isLessThanOrEqualTo(perText * 3));
        assertThat(batches.get(0).tokenCount()).isEqualTo(perText * 3);
    }

    @Test
    void should_truncate_an_input_over_the_per_input_limit() {
        String huge = "word ".repeat(10_000);

        EmbeddingBatch batch = new EmbeddingBatcher(COUNTER, 2048, 300_000, 8191)
                .batch(List.of(huge))
                .get(0);

        assertThat(COUNTER.count(batch.texts().get(0))).isLessThanOrEqualTo(8191);
        assertThat(batch.tokenCount()).isLessThanOrEqualTo(8191);
    }

    @Test
    void should_keep_each_input_at_its_original_index() {
        List<String> texts = new ArrayList<>();
        IntStream.range(0, 7).forEach(i -> texts.add("text " + i));

        List<EmbeddingBatch> batches = new EmbeddingBatcher(COUNTER, 3, 300_000, 8191).batch(texts);

        List<Integer> indexes = new ArrayList<>();
        for (EmbeddingBatch batch : batches) {
            for (int i = 0; i < batch.indexes().size(); i++) {
                assertThat(batch.texts().get(i))
                        .isEqualTo(texts.get(batch.indexes().get(i)));
                indexes.add(batch.indexes().get(i));
            }
        }
        assertThat(indexes).containsExactly(0, 1, 2, 3, 4, 5, 6);
    }

    @Test
    void should_refuse_an_empty_input_naming_it() {
        assertThatThrownBy(() -> new EmbeddingBatcher(COUNTER, 2048, 300_000, 8191).batch(List.of("a", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input 1");
    }
}
