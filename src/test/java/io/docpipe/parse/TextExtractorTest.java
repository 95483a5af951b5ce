package io.docpipe.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.docpipe.testsupport.SampleDocuments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextExtractorTest {

    private final TextExtractor extractor = TextExtractor.defaults();

    @TempDir
    Path dir;

    @Test
    void should_return_plain_text_as_written() throws IOException {
        Path file = write("notes.txt", "Line one\r\nLine two\n".getBytes(StandardCharsets.UTF_8));

        assertThat(extractor.detectMediaType(file, "notes.txt")).isEqualTo("text/plain");
        assertThat(extractor.extractMarkdown(file, "text/plain")).isEqualTo("Line one\nLine two");
    }

    @Test
    void should_refuse_a_document_with_more_text_than_the_limit_while_reading_it() throws IOException {
        TextExtractor small = extractor.withMaxTextChars(1000);
        Path text = write("long.md", "word ".repeat(300).getBytes(StandardCharsets.UTF_8));
        Path html = write(
                "long.html",
                ("<html><body>" + "<p>word word word</p>".repeat(100) + "</body></html>")
                        .getBytes(StandardCharsets.UTF_8));
        Path fits = write("short.md", "word ".repeat(150).getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> small.extractMarkdown(text, "text/x-web-markdown"))
                .isInstanceOf(DocumentExtractionException.class)
                .hasMessageContaining("more than 1000 characters")
                .hasMessageContaining("docpipe.parse.max-text-mib");
        assertThatThrownBy(() -> small.extractMarkdown(html, "text/html"))
                .isInstanceOf(DocumentExtractionException.class)
                .hasMessageContaining("more than 1000 characters");
        assertThat(small.extractMarkdown(fits, "text/x-web-markdown")).hasSize(749);
    }

    @Test
    void should_keep_markdown_verbatim() throws IOException {
        Path file = write("readme.md", SampleDocuments.markdown());
        String type = extractor.detectMediaType(file, "readme.md");

        assertThat(extractor.isSupported(type)).isTrue();
        assertThat(extractor.extractMarkdown(file, type))
                .isEqualTo(new String(SampleDocuments.markdown(), StandardCharsets.UTF_8).strip());
    }

    @Test
    void should_turn_html_structure_into_markdown() throws IOException {
        Path file = write("page.html", SampleDocuments.html());

        String markdown = extractor.extractMarkdown(file, extractor.detectMediaType(file, "page.html"));

        assertThat(markdown).isEqualTo("# Web page\n\n" + SampleDocuments.SENTENCE + "\n\n- first item\n- second item");
    }

    @Test
    void should_extract_the_text_of_a_pdf() throws IOException {
        Path file = write("report.pdf", SampleDocuments.pdf());
        String type = extractor.detectMediaType(file, "report.pdf");

        assertThat(type).isEqualTo("application/pdf");
        assertThat(extractor.extractMarkdown(file, type))
                .contains("Quarterly report")
                .contains(SampleDocuments.SENTENCE);
    }

    @Test
    void should_extract_headings_and_paragraphs_of_a_docx() throws IOException {
        Path file = write("letter.docx", SampleDocuments.docx());
        String type = extractor.detectMediaType(file, "letter.docx");

        assertThat(type).isEqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        assertThat(extractor.extractMarkdown(file, type))
                .contains(SampleDocuments.SENTENCE)
                .contains("Kind regards.");
    }

    @Test
    void should_not_support_images_archives_or_binaries() throws IOException {
        Path png = write("x.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13});
        Path zip = write("x.zip", new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 0, 0});
        Path binary = write("x.bin", new byte[] {0, 1, 2, 3, (byte) 0xff, (byte) 0xfe, 0, 0, 7});

        assertThat(extractor.isSupported(extractor.detectMediaType(png, "x.png")))
                .isFalse();
        assertThat(extractor.isSupported(extractor.detectMediaType(zip, "x.zip")))
                .isFalse();
        assertThat(extractor.isSupported(extractor.detectMediaType(binary, "x.bin")))
                .isFalse();
        assertThatThrownBy(() -> extractor.extractMarkdown(png, "image/png"))
                .isInstanceOf(UnsupportedDocumentException.class);
    }

    @Test
    void should_extract_nothing_from_whitespace() throws IOException {
        Path file = write("blank.txt", " \n\t\n ".getBytes(StandardCharsets.UTF_8));

        assertThat(extractor.extractMarkdown(file, extractor.detectMediaType(file, "blank.txt")))
                .isEmpty();
    }

    @Test
    void should_report_a_corrupt_pdf_clearly() throws IOException {
        Path file = write("broken.pdf", "%PDF-1.7\nthis is not really a pdf".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> extractor.extractMarkdown(file, "application/pdf"))
                .isInstanceOf(DocumentExtractionException.class)
                .hasMessageContaining("could not be read");
    }

    @Test
    void should_not_take_a_binary_file_for_text_because_of_its_name() throws IOException {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        assertThat(extractor.detectMediaType(write("photo.txt", png), "photo.txt"))
                .isEqualTo("image/png");
        assertThat(extractor.detectMediaType(write("report.md", SampleDocuments.pdf()), "report.md"))
                .isEqualTo("application/pdf");
        assertThat(extractor.detectMediaType(write("letter.txt", SampleDocuments.docx()), "letter.txt"))
                .isEqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }

    @Test
    void should_take_text_named_as_text_by_its_name_and_html_by_its_start() throws IOException {
        assertThat(extractor.detectMediaType(write("a.md", "# Title\n\ntext".getBytes(StandardCharsets.UTF_8)), "a.md"))
                .isEqualTo("text/x-web-markdown");
        assertThat(extractor.detectMediaType(
                        write("b.txt", "  <!DOCTYPE html><p>x</p>".getBytes(StandardCharsets.UTF_8)), "b.txt"))
                .isEqualTo("text/html");
        // a multi-byte character cut by the end of the bytes looked at is still text
        byte[] text = ("é".repeat(4095) + "xé").getBytes(StandardCharsets.UTF_8);
        assertThat(extractor.detectMediaType(write("c.txt", text), "c.txt")).isEqualTo("text/plain");
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }
}
