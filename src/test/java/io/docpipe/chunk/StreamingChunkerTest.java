package io.docpipe.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The chunker reading a text through a {@link Reader} in pieces, as the chunk stage reads a parsed text's pages: the
 * chunks are those of the text held whole, wherever the pages end; and a long section keeps every chunk bounded, in
 * order, overlapping the one before.
 */
class StreamingChunkerTest {

    private static final TokenCounter COUNTER = new TokenCounter();

    private static final String[] WORDS = {
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
        "\r\n",
        "well-known",
        "42%",
        "naïve",
        "東京",
        "stage!",
        "embeddings?",
        "x".repeat(30),
        "   ",
        "\t",
        "#",
        "- item",
        "\n# Heading",
        "\n\n",
        "\n \n",
        "😀",
        "\u2003",
        "\r"
    };

    @Test
    void should_cut_the_chunks_of_the_whole_text_wherever_its_pages_end() {
        Random random = new Random(7);
        TokenChunker streaming = new TokenChunker(COUNTER, 64, 8);
        WholeTextChunker whole = new WholeTextChunker(COUNTER, 64, 8);
        for (int text = 0; text < 300; text++) {
            String markdown = randomText(random, 1 + random.nextInt(15));
            // pages of 1 to 40 characters: page ends fall inside words, \r\n pairs, surrogate pairs and headings
            int pageSize = 1 + random.nextInt(40);

            List<Chunk> expected = whole.chunk(markdown);

            List<Chunk> chunks = new ArrayList<>();
            int count = streaming.chunk(new PagedReader(markdown, pageSize), chunks::add);
            assertThat(chunks).as("text %d in pages of %d", text, pageSize).isEqualTo(expected);
            assertThat(count).isEqualTo(chunks.size());
        }
    }

    @Test
    void should_cut_a_long_document_as_whole() {
        Random random = new Random(11);
        StringBuilder markdown = new StringBuilder();
        for (int section = 0; section < 40; section++) {
            markdown.append("# Section ").append(section).append("\n\n");
            markdown.append(randomText(random, 20)).append("\n\n");
        }

        List<Chunk> chunks = new ArrayList<>();
        new TokenChunker(COUNTER, 128, 16).chunk(new PagedReader(markdown.toString(), 4096), chunks::add);

        assertThat(chunks).isEqualTo(new WholeTextChunker(COUNTER, 128, 16).chunk(markdown.toString()));
        assertThat(chunks).hasSizeGreaterThan(40);
    }

    @Test
    void should_keep_chunks_bounded_ordered_and_overlapping_across_a_long_section_read_in_parts() {
        // one section of about 120,000 characters, read in pages of 777 characters
        StringBuilder markdown = new StringBuilder("# One long section\n\n");
        for (int paragraph = 0; paragraph < 1200; paragraph++) {
            markdown.append("Paragraph ")
                    .append(paragraph)
                    .append(" says something about pipelines, pages and chunks. ")
                    .append("It goes on a little. ".repeat(paragraph % 4))
                    .append("\n\n");
        }
        TokenChunker chunker = new TokenChunker(COUNTER, 100, 20, 5_000);

        List<Chunk> chunks = new ArrayList<>();
        chunker.chunk(new PagedReader(markdown.toString(), 777), chunks::add);

        assertThat(chunks).hasSizeGreaterThan(100);
        for (int i = 0; i < chunks.size(); i++) {
            Chunk chunk = chunks.get(i);
            assertThat(chunk.ordinal()).isEqualTo(i);
            assertThat(chunk.tokenCount())
                    .isEqualTo(COUNTER.count(chunk.text()))
                    .isBetween(1, 100);
            if (i > 0) {
                // the overlap: the chunk begins with the end of the one before
                String previous = chunks.get(i - 1).text();
                String tail = previous.substring(previous.length() - 12).strip();
                assertThat(chunk.text()).as("chunk %d", i).contains(tail);
            }
        }
        // every paragraph, in order
        String joined = String.join(" ", chunks.stream().map(Chunk::text).toList());
        int at = 0;
        for (int paragraph = 0; paragraph < 1200; paragraph++) {
            int found = joined.indexOf("Paragraph " + paragraph + " says", at);
            assertThat(found).as("paragraph %d after %d", paragraph, at).isGreaterThanOrEqualTo(0);
            at = found;
        }
    }

    @Test
    void should_read_a_paragraph_longer_than_its_limit_in_parts_without_losing_a_word() {
        String line = "word ".repeat(5_000).strip(); // 25,000 characters without a line break
        TokenChunker chunker = new TokenChunker(COUNTER, 200, 20, 3_000);

        List<Chunk> chunks = new ArrayList<>();
        chunker.chunk(new PagedReader(line, 1000), chunks::add);

        assertThat(chunks).allSatisfy(c -> assertThat(c.tokenCount()).isBetween(1, 200));
        long words =
                chunks.stream().mapToLong(c -> c.text().split("\\s+").length).sum();
        // every word at least once (the overlaps repeat some)
        assertThat(words).isGreaterThanOrEqualTo(5_000);
    }

    @Test
    void should_read_paragraphs_as_a_blank_line_split_would() throws Exception {
        Random random = new Random(3);
        for (int text = 0; text < 500; text++) {
            String markdown = randomText(random, 1 + random.nextInt(10));
            ParagraphReader reader = new ParagraphReader(new PagedReader(markdown, 1 + random.nextInt(9)), 1 << 20);

            List<String> read = new ArrayList<>();
            for (String paragraph = reader.next(); paragraph != null; paragraph = reader.next()) {
                if (!paragraph.isBlank()) {
                    read.add(paragraph.strip());
                }
            }

            List<String> split = new ArrayList<>();
            for (String paragraph : markdown.replace("\r\n", "\n").split("\\n\\s*\\n")) {
                if (!paragraph.strip().isEmpty()) {
                    split.add(paragraph.strip());
                }
            }
            assertThat(read).as("text %d: %s", text, markdown).isEqualTo(split);
        }
    }

    private static String randomText(Random random, int paragraphs) {
        StringBuilder markdown = new StringBuilder();
        for (int p = 0; p < paragraphs; p++) {
            int length = random.nextInt(random.nextBoolean() ? 20 : 150);
            for (int w = 0; w < length; w++) {
                markdown.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(8) == 0 ? "" : " ");
            }
            markdown.append(random.nextBoolean() ? "\n\n" : random.nextBoolean() ? "\r\n\r\n" : "\n \t\n\n");
        }
        return markdown.toString();
    }

    /** A text read at most {@code pageSize} characters a read, as pages of that size would give it. */
    private static final class PagedReader extends Reader {

        private final String text;
        private final int pageSize;
        private int position;

        PagedReader(String text, int pageSize) {
            this.text = text;
            this.pageSize = pageSize;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            if (position == text.length()) {
                return -1;
            }
            int n = Math.min(Math.min(length, pageSize - position % pageSize), text.length() - position);
            text.getChars(position, position + n, buffer, offset);
            position += n;
            return n;
        }

        @Override
        public void close() {}
    }
}
