package io.docpipe.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParsedTextTest {

    @TempDir
    Path spool;

    @Test
    void should_keep_a_text_of_one_page_in_memory() {
        try (ParsedText text = new ParsedText(spool, 10)) {
            text.write("0123456789");
            text.finish();

            assertThat(text.hasMorePages()).isFalse();
            assertThat(text.firstPage()).isEqualTo("0123456789");
            assertThat(text.length()).isEqualTo(10);
        }
        assertThat(spool).isEmptyDirectory();
    }

    @Test
    void should_spool_a_longer_text_and_give_it_back_in_pages_without_halving_a_character() {
        // 😀 is two chars: a page that would end between them ends before
        String whole = "abcdefghi😀jklmnopqrstuvwxyz".repeat(50);
        List<String> pages = new ArrayList<>();
        try (ParsedText text = new ParsedText(spool, 10)) {
            for (int i = 0; i < whole.length(); i += 7) {
                text.write(whole.substring(i, Math.min(whole.length(), i + 7)));
            }
            text.finish();
            assertThat(text.hasMorePages()).isTrue();
            pages.add(text.firstPage());
            text.laterPages((page, pageText) -> {
                assertThat(page).isEqualTo(pages.size());
                pages.add(pageText);
            });
        }

        assertThat(String.join("", pages)).isEqualTo(whole);
        assertThat(pages).allSatisfy(page -> {
            assertThat(page.length()).isBetween(1, 10);
            assertThat(Character.isHighSurrogate(page.charAt(page.length() - 1)))
                    .isFalse();
        });
        assertThat(spool).isEmptyDirectory();
    }

    @Test
    void should_cut_a_text_in_hand_into_the_same_pages() throws Exception {
        String whole = "x".repeat(ParsedText.PAGE_CHARS * 2 + 5);
        List<String> pages = new ArrayList<>();
        ParsedText text = ParsedText.of(whole);
        pages.add(text.firstPage());
        text.laterPages((page, pageText) -> pages.add(pageText));

        assertThat(pages).extracting(String::length).containsExactly(ParsedText.PAGE_CHARS, ParsedText.PAGE_CHARS, 5);
        try (var files = Files.list(spool)) {
            assertThat(files).isEmpty();
        }
    }
}
