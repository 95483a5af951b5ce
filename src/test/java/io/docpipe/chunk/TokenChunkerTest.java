package io.docpipe.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenChunkerTest {

    private static final TokenCounter COUNTER = new TokenCounter();

    @Test
    void should_count_tokens_like_cl100k_base() {
        assertThat(COUNTER.count("hello world")).isEqualTo(2);
    }

    @Test
    void should_count_special_token_text_as_ordinary_text() {
        assertThat(COUNTER.count("before <|endoftext|> after")).isGreaterThan(3);
        assertThat(new TokenChunker(COUNTER, 16, 2).chunk("a <|endoftext|> b")).hasSize(1);
    }

    @Test
    void should_keep_a_short_text_in_one_chunk() {
        List<Chunk> chunks = new TokenChunker(COUNTER, 512, 64).chunk("One short paragraph.");

        assertThat(chunks).containsExactly(new Chunk(0, "One short paragraph.", COUNTER.count("One short paragraph.")));
    }

    @Test
    void should_return_no_chunks_for_blank_text() {
        assertThat(new TokenChunker(COUNTER, 512, 64).chunk(" \n\n ")).isEmpty();
    }

    @Test
    void should_bound_every_chunk_and_count_its_tokens_exactly() {
        String text = "A sentence about pipelines and their many stages. ".repeat(400);

        List<Chunk> chunks = new TokenChunker(COUNTER, 100, 10).chunk(text);

        assertThat(chunks).hasSizeGreaterThan(10);
        for (int i = 0; i < chunks.size(); i++) {
            Chunk chunk = chunks.get(i);
            assertThat(chunk.ordinal()).isEqualTo(i);
            assertThat(chunk.tokenCount())
                    .isEqualTo(COUNTER.count(chunk.text()))
                    .isBetween(1, 100);
        }
    }

    @Test
    void should_bound_every_chunk_of_varied_texts_and_keep_every_word() {
        // texts of many shapes (short and long paragraphs, runs of punctuation, digits, newlines, long words), so
        // joins fall where tokens merge across them: no chunk may pass the limit, and no word may be lost
        java.util.Random random = new java.util.Random(42);
        String[] words = {
            "pipeline",
            "the",
            "a",
            "Δ",
            "2026",
            "...",
            "—",
            "end.",
            "(x)",
            "\n",
            "well-known",
            "42%",
            "naïve",
            "東京",
            "stage!",
            "embeddings?",
            "x".repeat(30),
            "   ",
            "#",
            "- item"
        };
        TokenChunker chunker = new TokenChunker(COUNTER, 64, 8);
        for (int text = 0; text < 200; text++) {
            StringBuilder markdown = new StringBuilder();
            int paragraphs = 1 + random.nextInt(12);
            for (int p = 0; p < paragraphs; p++) {
                int length = random.nextInt(random.nextBoolean() ? 20 : 150);
                for (int w = 0; w < length; w++) {
                    markdown.append(words[random.nextInt(words.length)]).append(random.nextInt(8) == 0 ? "" : " ");
                }
                markdown.append(random.nextBoolean() ? "\n\n" : "\n\n\n");
            }

            List<Chunk> chunks = chunker.chunk(markdown.toString());

            String joined =
                    String.join(" ", chunks.stream().map(Chunk::text).toList()).replaceAll("\\s+", "");
            for (Chunk chunk : chunks) {
                assertThat(chunk.tokenCount())
                        .as("text %d", text)
                        .isEqualTo(COUNTER.count(chunk.text()))
                        .isBetween(1, 64);
            }
            for (String word : markdown.toString().split("\\s+")) {
                assertThat(joined).as("text %d keeps %s", text, word).contains(word);
            }
        }
    }

    @Test
    void should_start_a_new_chunk_at_every_heading() {
        String markdown = "# Intro\n\nFirst section text.\n\n## Details\n\nSecond section text.\n# Last\nThird.";

        List<Chunk> chunks = new TokenChunker(COUNTER, 512, 64).chunk(markdown);

        assertThat(chunks)
                .extracting(Chunk::text)
                .containsExactly(
                        "# Intro\n\nFirst section text.", "## Details\n\nSecond section text.", "# Last\nThird.");
    }

    @Test
    void should_end_chunks_between_paragraphs_before_cutting_one() {
        String first = "First paragraph. ".repeat(10).strip();
        String second = "Second paragraph. ".repeat(10).strip();
        int size = COUNTER.count(first) + 8;

        List<Chunk> chunks = new TokenChunker(COUNTER, size, 0).chunk(first + "\n\n" + second);

        assertThat(chunks).extracting(Chunk::text).containsExactly(first, second);
    }

    @Test
    void should_cut_a_paragraph_bigger_than_a_chunk_between_sentences() {
        String paragraph = "This sentence is one of many in a very long paragraph. "
                .repeat(60)
                .strip();

        List<Chunk> chunks = new TokenChunker(COUNTER, 64, 0).chunk(paragraph);

        assertThat(chunks).hasSizeGreaterThan(5);
        assertThat(chunks).allSatisfy(c -> assertThat(c.text()).endsWith("paragraph."));
    }

    @Test
    void should_hard_cut_only_a_word_longer_than_a_chunk() {
        String word = "x".repeat(3000);

        List<Chunk> chunks = new TokenChunker(COUNTER, 50, 0).chunk(word);

        assertThat(chunks).hasSizeGreaterThan(1).allSatisfy(c -> assertThat(c.tokenCount())
                .isLessThanOrEqualTo(50));
        assertThat(String.join("", chunks.stream().map(Chunk::text).toList())).isEqualTo(word);
    }

    @Test
    void should_begin_each_continuing_chunk_with_the_tail_of_the_previous_one() {
        String text = "Overlap keeps context across chunk boundaries for retrieval. ".repeat(50);

        List<Chunk> chunks = new TokenChunker(COUNTER, 60, 12).chunk(text);

        assertThat(chunks).hasSizeGreaterThan(2);
        for (int i = 1; i < chunks.size(); i++) {
            String previous = chunks.get(i - 1).text();
            String tail = previous.substring(previous.length() - 20);
            assertThat(chunks.get(i).text()).contains(tail.strip());
            assertThat(chunks.get(i).tokenCount()).isLessThanOrEqualTo(60);
        }
    }

    @Test
    void should_refuse_an_overlap_as_big_as_the_chunk() {
        assertThatThrownBy(() -> new TokenChunker(COUNTER, 64, 64)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenChunker(COUNTER, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
