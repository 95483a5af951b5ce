package io.docpipe.parse;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.tika.detect.AutoDetectReader;
import org.apache.tika.detect.Detector;
import org.apache.tika.exception.TikaException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.xml.sax.SAXException;

/**
 * Detects a document's type and extracts its text as Markdown-ish text with Apache Tika, streaming from the file into
 * a sink: the text is never held whole. Plain text and Markdown are passed on as written (decoded, line endings
 * normalised); HTML, PDF and DOCX go through Tika's parsers and {@link MarkdownContentHandler}.
 */
public class TextExtractor {

    public static final Set<String> DEFAULT_MEDIA_TYPES = Set.of(
            "text/plain",
            "text/markdown",
            "text/x-web-markdown",
            "text/html",
            "application/xhtml+xml",
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");

    private static final Set<String> VERBATIM_TYPES = Set.of("text/plain", "text/markdown", "text/x-web-markdown");

    /** What Tika's name globs say of text files, for the uploads that are plainly text. */
    private static final java.util.Map<String, String> TEXT_TYPES_BY_EXTENSION = java.util.Map.of(
            "txt",
            "text/plain",
            "text",
            "text/plain",
            "md",
            "text/x-web-markdown",
            "markdown",
            "text/x-web-markdown",
            "html",
            "text/html",
            "htm",
            "text/html");

    private static final int HEAD_BYTES = 8192;

    /** Characters of text a document may have: 1 Gi, see {@link #maxTextChars}. */
    public static final long DEFAULT_MAX_TEXT_CHARS = 1024L * 1024 * 1024;

    private final Set<String> allowedMediaTypes;
    private final long maxTextChars;
    private final AutoDetectParser parser = new AutoDetectParser();
    private final Detector detector = parser.getDetector();

    /**
     * @param maxTextChars characters of text a document may have at most. The text streams through every stage, so
     *                     this is no bound on the heap but a sanity cap: a document of more text than any real one
     *                     (a runaway generated file) is refused while it is read, before it fills the disk and the
     *                     database and costs its embeddings
     */
    public TextExtractor(Set<String> allowedMediaTypes, long maxTextChars) {
        this.allowedMediaTypes = Set.copyOf(allowedMediaTypes);
        this.maxTextChars = maxTextChars;
    }

    public static TextExtractor defaults() {
        return new TextExtractor(DEFAULT_MEDIA_TYPES, DEFAULT_MAX_TEXT_CHARS);
    }

    /** A copy that refuses documents of more than {@code maxTextChars} characters of text. */
    public TextExtractor withMaxTextChars(long maxTextChars) {
        return new TextExtractor(allowedMediaTypes, maxTextChars);
    }

    /**
     * The base media type (no parameters) from the file's leading bytes and, as a hint, its name. A file named as
     * plain text, Markdown or HTML whose first bytes are text (no NUL, valid UTF-8) takes the type its name says
     * (HTML when it starts like HTML) without Tika's full magic detection, which costs about a millisecond an upload;
     * anything else is detected by Tika from its bytes.
     */
    public String detectMediaType(Path file, String filename) {
        String byName = filename == null ? null : TEXT_TYPES_BY_EXTENSION.get(extension(filename));
        try {
            if (byName != null) {
                byte[] head = head(file);
                if (isText(head)) {
                    return startsLikeHtml(head) ? "text/html" : byName;
                }
            }
            Metadata metadata = new Metadata();
            if (filename != null) {
                metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, filename);
            }
            try (InputStream in = TikaInputStream.get(file)) {
                return detector.detect(in, metadata).getBaseType().toString();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static byte[] head(Path file) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            return in.readNBytes(HEAD_BYTES);
        }
    }

    /** No NUL or other binary control byte, and valid UTF-8 (a character cut at the end of the head allowed). */
    private static boolean isText(byte[] head) {
        for (byte b : head) {
            if (b == 0 || b > 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x1b) {
                return false;
            }
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        // a head cut short of the file's end may end inside a character: not the end of the input, so no error
        return !utf8.decode(ByteBuffer.wrap(head), CharBuffer.allocate(head.length), head.length < HEAD_BYTES)
                .isError();
    }

    private static boolean startsLikeHtml(byte[] head) {
        String start = new String(head, 0, Math.min(head.length, 256), StandardCharsets.UTF_8)
                .stripLeading()
                .toLowerCase(java.util.Locale.ROOT);
        return start.startsWith("<!doctype html") || start.startsWith("<html");
    }

    private static String extension(String filename) {
        int dot = filename.lastIndexOf('.');
        return dot < 0 ? "" : filename.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
    }

    public boolean isSupported(String mediaType) {
        return allowedMediaTypes.contains(mediaType);
    }

    /** @return the document's text; empty when it has none (a scanned PDF without OCR, a blank page) */
    public String extractMarkdown(Path file, String mediaType) {
        StringWriter text = new StringWriter();
        extractMarkdown(file, mediaType, text);
        return text.toString();
    }

    /**
     * Writes the document's text into {@code sink} as it is read, stripped (nothing when it has none: a scanned PDF
     * without OCR, a blank page). The sink stays open.
     */
    public void extractMarkdown(Path file, String mediaType, Writer sink) {
        if (!isSupported(mediaType)) {
            throw new UnsupportedDocumentException(mediaType);
        }
        try {
            if (VERBATIM_TYPES.contains(mediaType)) {
                readText(file, sink);
            } else {
                parse(file, mediaType, sink);
            }
        } catch (IOException | TikaException | SAXException | TextTooLongException e) {
            // Tika wraps what the content handler throws
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof TextTooLongException) {
                    throw new DocumentExtractionException(
                            "the document has more than " + maxTextChars
                                    + " characters of text, more than docpipe processes (docpipe.parse.max-text-mib)",
                            e);
                }
            }
            throw new DocumentExtractionException(
                    "the " + mediaType + " document could not be read: " + e.getMessage(), e);
        }
    }

    /**
     * How many pages a parser will bill for this document: a PDF's page count, else its text length in pages of
     * {@code charsPerPage} characters; at least one.
     */
    public int estimatePages(Path file, String mediaType, int charsPerPage) {
        try {
            if ("application/pdf".equals(mediaType)) {
                try (PDDocument pdf = Loader.loadPDF(file.toFile())) {
                    return Math.max(1, pdf.getNumberOfPages());
                }
            }
            CharCount text = new CharCount();
            extractMarkdown(file, mediaType, text);
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil((double) text.chars / charsPerPage)));
        } catch (IOException | RuntimeException e) {
            // unreadable here, perhaps not for the parser: estimate from its size
            return (int) Math.max(1, Math.ceil((double) file.toFile().length() / charsPerPage));
        }
    }

    private void readText(Path file, Writer sink) throws IOException, TikaException {
        try (Reader reader = new AutoDetectReader(TikaInputStream.get(file));
                Writer text = NormalizingWriter.verbatim(sink)) {
            char[] buffer = new char[8192];
            long read = 0;
            for (int n = reader.read(buffer); n != -1; n = reader.read(buffer)) {
                read += n;
                if (read > maxTextChars) {
                    throw new TextTooLongException();
                }
                text.write(buffer, 0, n);
            }
        }
    }

    private void parse(Path file, String mediaType, Writer sink) throws IOException, TikaException, SAXException {
        Metadata metadata = new Metadata();
        metadata.set(Metadata.CONTENT_TYPE, mediaType);
        try (Writer text = NormalizingWriter.markdown(sink);
                InputStream in = TikaInputStream.get(file)) {
            parser.parse(in, new MarkdownContentHandler(text, maxTextChars), metadata, new ParseContext());
        }
    }

    /** A sink that only counts what it is given. */
    private static final class CharCount extends Writer {

        private long chars;

        @Override
        public void write(char[] buffer, int offset, int count) {
            chars += count;
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    /** Thrown while reading a document whose text passes the limit. */
    static final class TextTooLongException extends RuntimeException {
        TextTooLongException() {
            super(null, null, false, false);
        }
    }
}
