package io.docpipe.parse;

import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;

/**
 * Normalizes a document's text on its way to a sink, a word at a time, so the text is never held whole: leading
 * and trailing whitespace dropped (as {@link String#strip()}), and inside the text either line endings made
 * {@code \n} ({@link #verbatim}) or Markdown's whitespace tidied ({@link #markdown}). Whitespace between two words is
 * held back as a count (or, for verbatim text, a short buffer) until the next word shows it is not trailing.
 */
abstract class NormalizingWriter extends Writer {

    protected final Writer sink;
    private boolean started;

    private NormalizingWriter(Writer sink) {
        this.sink = sink;
    }

    /**
     * Text as written: {@code \r\n} and a lone {@code \r} become {@code \n}, as
     * {@code text.replace("\r\n", "\n").replace('\r', '\n').strip()} would.
     */
    static NormalizingWriter verbatim(Writer sink) {
        return new Verbatim(sink);
    }

    /**
     * What {@link MarkdownContentHandler} writes (its only whitespace is spaces and newlines): spaces before a line
     * break dropped and at most one blank line in a row, as
     * {@code text.replaceAll("[ \\t]+\\n", "\n").replaceAll("\\n{3,}", "\n\n").strip()} would.
     */
    static NormalizingWriter markdown(Writer sink) {
        return new Markdown(sink);
    }

    /** Words go to the sink a run of characters at a time: a write a character costs a lock and a call each. */
    @Override
    public void write(char[] chars, int offset, int count) throws IOException {
        int end = offset + count;
        int word = -1; // where the word being passed on started, -1 between words
        for (int i = offset; i < end; i++) {
            char c = chars[i];
            if (Character.isWhitespace(c)) {
                if (word >= 0) {
                    sink.write(chars, word, i - word);
                    word = -1;
                }
                if (started) {
                    whitespace(c);
                }
            } else if (word < 0) {
                if (started) {
                    flushWhitespace();
                }
                started = true;
                word = i;
            }
        }
        if (word >= 0) {
            sink.write(chars, word, end - word);
        }
    }

    /** A whitespace character after the text started: held back. */
    protected abstract void whitespace(char c) throws IOException;

    /** A word follows the whitespace held back: it goes to the sink, normalized. */
    protected abstract void flushWhitespace() throws IOException;

    @Override
    public void flush() throws IOException {
        sink.flush();
    }

    /** Ends the text: whitespace held back is trailing and dropped. The sink stays open. */
    @Override
    public void close() throws IOException {
        sink.flush();
    }

    private static final class Verbatim extends NormalizingWriter {

        /** Whitespace held back past this is written out: only trailing whitespace is dropped, and chunking strips it. */
        private static final int MAX_HELD = 64 * 1024;

        private static final char[] NEWLINE = {'\n'};

        private char[] held = new char[16];
        private int heldLength;
        private boolean afterCarriageReturn;

        Verbatim(Writer sink) {
            super(sink);
        }

        @Override
        public void write(char[] chars, int offset, int count) throws IOException {
            // \r\n -> \n, a lone \r -> \n, before stripping (a \r is whitespace, so only held runs see one)
            int start = offset;
            for (int i = offset; i < offset + count; i++) {
                if (chars[i] == '\n' && afterCarriageReturn) {
                    super.write(chars, start, i - start);
                    start = i + 1;
                }
                afterCarriageReturn = chars[i] == '\r';
                if (afterCarriageReturn) {
                    super.write(chars, start, i - start);
                    super.write(NEWLINE, 0, 1);
                    start = i + 1;
                }
            }
            super.write(chars, start, offset + count - start);
        }

        @Override
        protected void whitespace(char c) throws IOException {
            if (heldLength == held.length) {
                held = Arrays.copyOf(held, heldLength * 2);
            }
            held[heldLength++] = c;
            if (heldLength > MAX_HELD) {
                flushWhitespace();
            }
        }

        @Override
        protected void flushWhitespace() throws IOException {
            sink.write(held, 0, heldLength);
            heldLength = 0;
        }
    }

    private static final class Markdown extends NormalizingWriter {

        private static final char[] NEWLINES = {'\n', '\n'};
        private static final char[] SPACES = " ".repeat(64).toCharArray();

        private long spaces;
        private int newlines;

        Markdown(Writer sink) {
            super(sink);
        }

        @Override
        protected void whitespace(char c) {
            if (c == '\n') {
                // spaces before a line break go
                newlines++;
                spaces = 0;
            } else {
                spaces++;
            }
        }

        @Override
        protected void flushWhitespace() throws IOException {
            sink.write(NEWLINES, 0, Math.min(newlines, 2));
            for (long left = spaces; left > 0; left -= SPACES.length) {
                sink.write(SPACES, 0, (int) Math.min(left, SPACES.length));
            }
            newlines = 0;
            spaces = 0;
        }
    }
}
