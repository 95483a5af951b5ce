package io.docpipe.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.api.IntArrayList;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The counts the chunker takes without encoding a whole chunk again must be those of encoding it whole. */
class TokenCounterTest {

    private static final TokenCounter COUNTER = new TokenCounter();
    /** Words and marks chosen to meet at a join in every way: punctuation that takes newlines, digits, contractions. */
    private static final String[] PARTS = {
        "word",
        "Word",
        "pipeline",
        "'s",
        "don't",
        "n't",
        ".",
        "!",
        "?",
        ",",
        "(",
        ")",
        "\"",
        "12",
        "1234",
        "3.5",
        " ",
        "  ",
        "\t",
        "\n",
        "\n\n",
        "-",
        "#",
        "😀",
        "é",
        "naïve",
        "日本語",
        "\u2003",
        "\r\n",
        "a",
        "I",
        "x.y",
        "<|endoftext|>"
    };

    @Test
    void should_count_a_join_as_the_joined_text_is_counted() {
        Random random = new Random(3);
        String[] joiners = {"\n\n", " ", "", "\n", ". "};
        for (int i = 0; i < 20_000; i++) {
            String left = randomText(random);
            String right = randomText(random);
            String joiner = joiners[random.nextInt(joiners.length)];
            int joined = COUNTER.countJoined(
                    new StringBuilder(left), COUNTER.count(left), joiner, right, COUNTER.count(right));
            assertThat(joined)
                    .as("[%s] + [%s] + [%s]", left, joiner, right)
                    .isEqualTo(COUNTER.count(left + joiner + right));
        }
    }

    @Test
    void should_encode_the_end_of_a_text_as_the_end_of_the_whole_text_is_encoded() {
        Random random = new Random(5);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder text = new StringBuilder();
            int parts = 1 + random.nextInt(80);
            for (int p = 0; p < parts; p++) {
                text.append(randomText(random));
            }
            int tokens = 1 + random.nextInt(40);
            IntArrayList end = COUNTER.encodeEnd(text.toString(), tokens);
            IntArrayList whole = COUNTER.encode(text.toString());
            assertThat(end.size()).isLessThanOrEqualTo(whole.size());
            assertThat(end.size()).isGreaterThanOrEqualTo(Math.min(tokens, whole.size()));
            assertThat(tokens(end, 0)).isEqualTo(tokens(whole, whole.size() - end.size()));
        }
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        int parts = random.nextInt(8);
        for (int p = 0; p < parts; p++) {
            text.append(PARTS[random.nextInt(PARTS.length)]);
            if (random.nextBoolean()) {
                text.append(' ');
            }
        }
        return text.toString();
    }

    private static List<Integer> tokens(IntArrayList list, int from) {
        List<Integer> values = new ArrayList<>();
        for (int i = from; i < list.size(); i++) {
            values.add(list.get(i));
        }
        return values;
    }
}
