package io.docpipe.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;

/** Small documents of each supported type, made in memory; each contains {@link #SENTENCE}. */
public final class SampleDocuments {

    public static final String SENTENCE = "Pipelines turn documents into searchable vectors.";

    private SampleDocuments() {}

    public static byte[] text() {
        return utf8("Plain text notes\n\n" + SENTENCE + "\nA second line of plain text.\n");
    }

    public static byte[] markdown() {
        return utf8("# Read me\n\nIntro paragraph.\n\n## Details\n\n" + SENTENCE + "\n\n- one\n- two\n");
    }

    public static byte[] html() {
        return utf8("<!DOCTYPE html><html><head><title>Page</title><style>p{color:red}</style></head><body>"
                + "<h1>Web page</h1><p>" + SENTENCE + "</p><ul><li>first item</li><li>second item</li></ul>"
                + "</body></html>");
    }

    public static byte[] pdf() {
        try (PDDocument document = new PDDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage();
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.newLineAtOffset(72, 700);
                content.showText("Quarterly report");
                content.newLineAtOffset(0, -20);
                content.showText(SENTENCE);
                content.endText();
            }
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] docx() {
        try (XWPFDocument document = new XWPFDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            XWPFParagraph heading = document.createParagraph();
            heading.setStyle("Heading1");
            heading.createRun().setText("A letter");
            document.createParagraph().createRun().setText(SENTENCE);
            document.createParagraph().createRun().setText("Kind regards.");
            document.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
