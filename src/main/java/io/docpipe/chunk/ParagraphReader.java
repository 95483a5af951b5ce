package io.docpipe.chunk;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads a text a paragraph at a time: the lines between blank lines (a line of nothing but spaces, tabs, form feeds
 * or carriage returns), joined with {@code \n}, {@code \r\n} read as {@code \n}; as
 * {@code text.replace("\r\n", "\n")} split at {@code \n\s*\n} would give them. A paragraph longer than
 * {@code maxChars} is given in parts: its lines so far, or, for a single longer line, up to its last space before
 * the limit.
 */
final class ParagraphReader {

    private final Reader in;
    private final int maxChars;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    private boolean carriageReturn;
    private boolean ended;
    /** The paragraph's complete lines, joined. */
    private final StringBuilder paragraph = new StringBuilder();
    /** The line being read. */
    private final StringBuilder line = new StringBuilder();

    ParagraphReader(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** The next paragraph (not empty), or null at the end of the text. */
    String next() throws IOException {
        while (true) {
            int c = read();
            if (c == -1) {
                endLine();
                return paragraph.isEmpty() ? null : take(paragraph.length());
            }
            if (c == '\n') {
                if (isBlank(line) && !paragraph.isEmpty()) {
                    line.setLength(0);
                    return take(paragraph.length());
                }
                endLine();
                continue;
            }
            line.append((char) c);
            if (paragraph.length() + line.length() >= maxChars) {
                if (!paragraph.isEmpty()) {
                    // the lines so far; the line being read begins the next part
                    return take(paragraph.length());
                }
                return cutLine();
            }
        }
    }

    /** A line ended: a blank one is dropped, any other joins the paragraph. */
    private void endLine() {
        if (!isBlank(line)) {
            if (!paragraph.isEmpty()) {
                paragraph.append('\n');
            }
            paragraph.append(line);
        }
        line.setLength(0);
    }

    /** A single line as long as a paragraph may be: its part up to its last space (or the limit), the rest kept. */
    private String cutLine() {
        int cut = line.length();
        for (int i = line.length() - 1; i > 0; i--) {
            if (line.charAt(i) == ' ' || line.charAt(i) == '\t') {
                cut = i;
                break;
            }
        }
        if (cut == line.length() && Character.isHighSurrogate(line.charAt(cut - 1))) {
            cut--;
        }
        String part = line.substring(0, cut);
        line.delete(0, cut);
        return part;
    }

    private String take(int length) {
        String taken = paragraph.substring(0, length);
        paragraph.setLength(0);
        return taken;
    }

    /** The next character with {@code \r\n} read as {@code \n}, or -1 at the end. */
    private int read() throws IOException {
        while (true) {
            if (position == limit) {
                if (ended) {
                    return endOfText();
                }
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    ended = true;
                    return endOfText();
                }
            }
            char c = buffer[position++];
            if (carriageReturn) {
                carriageReturn = c == '\r';
                if (c == '\n') {
                    return '\n';
                }
                if (carriageReturn) {
                    return '\r'; // the earlier of two; the later waits for what follows it
                }
                position--; // the character after a lone \r is read next
                return '\r';
            }
            if (c == '\r') {
                carriageReturn = true;
                continue;
            }
            return c;
        }
    }

    private int endOfText() {
        if (carriageReturn) {
            carriageReturn = false;
            return '\r';
        }
        return -1;
    }

    /** As {@code \s*} without Unicode classes would match it, less the newline that ends it. */
    private static boolean isBlank(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\u000B' && c != '\f' && c != '\r') {
                return false;
            }
        }
        return true;
    }
}
