package io.docpipe.parse;

import java.util.Locale;
import org.xml.sax.Attributes;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Turns the XHTML events Tika emits for any document into Markdown-ish text: headings become {@code #} lines,
 * paragraphs are separated by blank lines, list items become {@code - } lines and table cells are joined with
 * {@code |}. Whitespace inside text runs is collapsed, as a browser would.
 */
class MarkdownContentHandler extends DefaultHandler {

    private final StringBuilder out = new StringBuilder();
    private final int maxChars;
    private int skipDepth;
    private boolean firstCellInRow;
    private boolean pendingSpace;

    /** @param maxChars characters of text at most: past them the parse ends ({@link TextExtractor.TextTooLongException}) */
    MarkdownContentHandler(int maxChars) {
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
                out.append("#".repeat(name.charAt(1) - '0')).append(' ');
            }
            case "p", "div", "table", "ul", "ol", "blockquote", "pre" -> blankLine();
            case "li" -> {
                newLine();
                out.append("- ");
            }
            case "tr" -> {
                newLine();
                firstCellInRow = true;
            }
            case "td", "th" -> {
                if (!firstCellInRow) {
                    out.append(" | ");
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
                    out.append(' ');
                }
                pendingSpace = false;
                out.append(c);
            }
        }
        if (out.length() > maxChars) {
            throw new TextExtractor.TextTooLongException();
        }
    }

    @Override
    public void ignorableWhitespace(char[] ch, int start, int length) {
        pendingSpace = true;
    }

    String markdown() {
        return out.toString()
                .replaceAll("[ \\t]+\\n", "\n")
                .replaceAll("\\n{3,}", "\n\n")
                .strip();
    }

    private boolean atLineStart() {
        return out.isEmpty()
                || out.charAt(out.length() - 1) == '\n'
                || endsWith("- ")
                || endsWith("# ")
                || endsWith(" | ");
    }

    private boolean endsWith(String suffix) {
        int length = out.length();
        return length >= suffix.length()
                && out.substring(length - suffix.length()).equals(suffix);
    }

    private void newLine() {
        if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
            out.append('\n');
        }
        pendingSpace = false;
    }

    private void blankLine() {
        newLine();
        if (out.length() >= 2 && out.charAt(out.length() - 2) != '\n') {
            out.append('\n');
        }
        pendingSpace = false;
    }

    private static String name(String localName, String qName) {
        String name = localName == null || localName.isEmpty() ? qName : localName;
        return name.toLowerCase(Locale.ROOT);
    }
}
