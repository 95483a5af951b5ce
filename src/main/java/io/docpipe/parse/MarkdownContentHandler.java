package io.docpipe.parse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;
import org.xml.sax.Attributes;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Turns the XHTML events Tika emits for any document into Markdown-ish text: headings become {@code #} lines,
 * paragraphs are separated by blank lines, list items become {@code - } lines and table cells are joined with
 * {@code |}. Whitespace inside text runs is collapsed, as a browser would. The text streams into a sink (through
 * {@link NormalizingWriter#markdown}); the handler keeps only its last few characters, to place the next break.
 */
class MarkdownContentHandler extends DefaultHandler {

    private final Writer out;
    private final long maxChars;
    /** The last characters written, latest last; and how many were written in all. */
    private final char[] tail = new char[3];

    private long written;
    private int skipDepth;
    private boolean firstCellInRow;
    private boolean pendingSpace;

    /**
     * @param out      receives the text ({@link NormalizingWriter#markdown} tidies its whitespace)
     * @param maxChars characters of text at most: past them the parse ends ({@link TextExtractor.TextTooLongException})
     */
    MarkdownContentHandler(Writer out, long maxChars) {
        this.out = out;
        this.maxChars = maxChars;
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes attributes) {
        String name = name(localName, qName);
        if (skipDepth > 0 || name.equals("head") || name.equals("script") || name.equals("style")) {
            skipDepth++;
            return;
        }
        switch (name) {
            case "h1", "h2", "h3", "h4", "h5", "h6" -> {
                blankLine();
                append("#".repeat(name.charAt(1) - '0') + " ");
            }
            case "p", "div", "table", "ul", "ol", "blockquote", "pre" -> blankLine();
            case "li" -> {
                newLine();
                append("- ");
            }
            case "tr" -> {
                newLine();
                firstCellInRow = true;
            }
            case "td", "th" -> {
                if (!firstCellInRow) {
                    append(" | ");
                }
                firstCellInRow = false;
            }
            case "br" -> newLine();
            default -> {
                // inline elements add no structure
            }
        }
        pendingSpace = false;
    }

    @Override
    public void endElement(String uri, String localName, String qName) {
        String name = name(localName, qName);
        if (skipDepth > 0) {
            skipDepth--;
            return;
        }
        switch (name) {
            case "h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "table", "ul", "ol", "blockquote", "pre" ->
                blankLine();
            case "li", "tr" -> newLine();
            default -> {
                // inline elements add no structure
            }
        }
    }

    @Override
    public void characters(char[] ch, int start, int length) {
        if (skipDepth > 0) {
            return;
        }
        for (int i = start; i < start + length; i++) {
            char c = ch[i];
            if (Character.isWhitespace(c)) {
                pendingSpace = true;
            } else {
                if (pendingSpace && !atLineStart()) {
                    append(' ');
                }
                pendingSpace = false;
                append(c);
            }
        }
        if (written > maxChars) {
            throw new TextExtractor.TextTooLongException();
        }
    }

    @Override
    public void ignorableWhitespace(char[] ch, int start, int length) {
        pendingSpace = true;
    }

    private void append(String text) {
        for (int i = 0; i < text.length(); i++) {
            append(text.charAt(i));
        }
    }

    private void append(char c) {
        try {
            out.write(c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tail[0] = tail[1];
        tail[1] = tail[2];
        tail[2] = c;
        written++;
    }

    /** The character {@code back} places before the end (1: the last one); only the last three are known. */
    private char last(int back) {
        return tail[tail.length - back];
    }

    private boolean atLineStart() {
        return written == 0 || last(1) == '\n' || endsWith("- ") || endsWith("# ") || endsWith(" | ");
    }

    private boolean endsWith(String suffix) {
        if (written < suffix.length()) {
            return false;
        }
        for (int i = 0; i < suffix.length(); i++) {
            if (last(suffix.length() - i) != suffix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void newLine() {
        if (written > 0 && last(1) != '\n') {
            append('\n');
        }
        pendingSpace = false;
    }

    private void blankLine() {
        newLine();
        if (written >= 2 && last(2) != '\n') {
            append('\n');
        }
        pendingSpace = false;
    }

    private static String name(String localName, String qName) {
        String name = localName == null || localName.isEmpty() ? qName : localName;
        return name.toLowerCase(Locale.ROOT);
    }
}
