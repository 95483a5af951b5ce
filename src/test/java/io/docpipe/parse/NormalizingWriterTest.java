package io.docpipe.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming normalizers give what the regular expressions on the whole text gave, wherever the writes end. */
class NormalizingWriterTest {

    @Test
    void should_normalize_verbatim_text_as_replacing_line_endings_and_stripping_did() throws IOException {
        Random random = new Random(5);
        String[] parts = {"word", " ", "\t", "\r", "\n", "\r\n", "\u2003", "é", "😀", "\f"};
        for (int text = 0; text < 500; text++) {
            String input = random(random, parts);

            String streamed = write(NormalizingWriter.verbatim(new StringWriter()), input, random);

            assertThat(streamed)
                    .as("text %d", text)
                    .isEqualTo(input.replace("\r\n", "\n").replace('\r', '\n').strip());
        }
    }

    @Test
    void should_tidy_markdown_as_the_regular_expressions_did() throws IOException {
        Random random = new Random(6);
        String[] parts = {"word", " ", "\n", "- ", "# ", " | ", "x"};
        for (int text = 0; text < 500; text++) {
            String input = random(random, parts);

            String streamed = write(NormalizingWriter.markdown(new StringWriter()), input, random);

            assertThat(streamed)
                    .as("text %d", text)
                    .isEqualTo(input.replaceAll("[ \\t]+\\n", "\n")
                            .replaceAll("\\n{3,}", "\n\n")
                            .strip());
        }
    }

    private static String random(Random random, String[] parts) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(40); i > 0; i--) {
            text.append(parts[random.nextInt(parts.length)]);
        }
        return text.toString();
    }

    /** Writes the text in random pieces, then closes the normalizer; the sink's text. */
    private static String write(NormalizingWriter writer, String text, Random random) throws IOException {
        Writer sink = writer.sink;
        for (int i = 0; i < text.length(); ) {
            int n = Math.min(text.length() - i, 1 + random.nextInt(5));
            writer.write(text.toCharArray(), i, n);
            i += n;
        }
        writer.close();
        return sink.toString();
    }
}
