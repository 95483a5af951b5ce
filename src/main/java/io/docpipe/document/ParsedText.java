package io.docpipe.document;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A document's parsed text while a parser writes it, before it is stored as pages ({@link ParsedTextPages}): its
 * first page in memory, and, for a text longer than a page, the whole text in a temporary UTF-8 file (removed on
 * {@link #close()}), so a text of any size takes one page of heap. Pages are {@code pageChars} characters, one less
 * where a page would end between the two halves of a surrogate pair.
 */
public final class ParsedText extends Writer {

    /** Characters a page holds: 256 Ki, half a MiB of heap as a String at worst, far fewer bytes in PostgreSQL. */
    public static final int PAGE_CHARS = 256 * 1024;

    private final Path spoolDir;
    private final int pageChars;
    private final StringBuilder firstPage = new StringBuilder();
    private Path spoolFile;
    /** The text, when it was given whole ({@link #of}). */
    private String whole;

    private Writer spool;
    private long length;
    private boolean closed;

    /** @param spoolDir where a text longer than a page is kept until it is stored */
    public ParsedText(Path spoolDir, int pageChars) {
        if (pageChars < 2) {
            throw new IllegalArgumentException("a page holds at least 2 characters, got " + pageChars);
        }
        this.spoolDir = spoolDir;
        this.pageChars = pageChars;
    }

    public ParsedText(Path spoolDir) {
        this(spoolDir, PAGE_CHARS);
    }

    /** A text in hand already (a provider's answer read whole), cut into pages of {@link #PAGE_CHARS}, no file. */
    public static ParsedText of(String text) {
        ParsedText parsed = new ParsedText(null, PAGE_CHARS);
        parsed.whole = text;
        parsed.firstPage.append(text, 0, pageEnd(text, PAGE_CHARS));
        parsed.length = text.length();
        parsed.closed = true;
        return parsed;
    }

    @Override
    public void write(char[] chars, int offset, int count) {
        if (closed) {
            throw new IllegalStateException("the text was finished");
        }
        try {
            if (spool == null) {
                int room = Math.min(count, pageChars + 1 - firstPage.length());
                firstPage.append(chars, offset, room);
                if (room < count || firstPage.length() > pageChars) {
                    // more than a page: from here on the whole text goes to a file
                    Files.createDirectories(spoolDir);
                    spoolFile = spoolDir.resolve("text-" + UUID.randomUUID() + ".spool");
                    spool = Files.newBufferedWriter(spoolFile, StandardCharsets.UTF_8);
                    spool.append(firstPage);
                    spool.write(chars, offset + room, count - room);
                    firstPage.setLength(pageEnd(firstPage, pageChars));
                }
            } else {
                spool.write(chars, offset, count);
            }
            length += count;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool a parsed text to " + spoolDir, e);
        }
    }

    @Override
    public void write(String text) {
        write(text.toCharArray(), 0, text.length());
    }

    @Override
    public void flush() {
        // pages are read after finish()
    }

    /** The text is complete: its pages can be read. */
    public void finish() {
        if (spool != null) {
            try {
                spool.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot spool a parsed text to " + spoolDir, e);
            }
        }
    }

    public long length() {
        return length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** Page 0: the whole text when it is at most a page. */
    public String firstPage() {
        return firstPage.toString();
    }

    /** Whether the text has more than one page. */
    public boolean hasMorePages() {
        return spoolFile != null || whole != null && whole.length() > firstPage.length();
    }

    /** Receives each page after the first, in order. */
    public interface PageConsumer {
        void accept(int page, String text);
    }

    /** Reads pages 1.. of a finished text, one at a time, and hands each on. */
    public void laterPages(PageConsumer consumer) {
        if (whole != null) {
            int page = 1;
            for (int start = firstPage.length(); start < whole.length(); page++) {
                int end = Math.min(whole.length(), start + pageChars);
                if (end < whole.length() && Character.isHighSurrogate(whole.charAt(end - 1))) {
                    end--;
                }
                consumer.accept(page, whole.substring(start, end));
                start = end;
            }
            return;
        }
        if (spoolFile == null) {
            return;
        }
        try (Reader in = Files.newBufferedReader(spoolFile, StandardCharsets.UTF_8)) {
            skipFully(in, firstPage.length());
            char[] buffer = new char[pageChars];
            int carried = 0;
            for (int page = 1; ; page++) {
                int filled = carried;
                for (int n; filled < pageChars && (n = in.read(buffer, filled, pageChars - filled)) != -1; ) {
                    filled += n;
                }
                if (filled == 0) {
                    return;
                }
                int end = filled < pageChars ? filled : pageEnd(buffer, filled);
                consumer.accept(page, new String(buffer, 0, end));
                carried = filled - end;
                System.arraycopy(buffer, end, buffer, 0, carried);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spooled text " + spoolFile, e);
        }
    }

    /** Removes the temporary file, if there is one. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            finish();
        } finally {
            if (spoolFile != null) {
                try {
                    Files.deleteIfExists(spoolFile);
                } catch (IOException e) {
                    // a leftover in the spool directory is removed at the next start
                }
            }
        }
    }

    /** Where a page of {@code limit} characters of {@code text} ends: not between the halves of a surrogate pair. */
    private static int pageEnd(CharSequence text, int limit) {
        int end = Math.min(limit, text.length());
        return end < text.length() && Character.isHighSurrogate(text.charAt(end - 1)) ? end - 1 : end;
    }

    private static int pageEnd(char[] buffer, int filled) {
        return Character.isHighSurrogate(buffer[filled - 1]) ? filled - 1 : filled;
    }

    private static void skipFully(Reader in, long chars) throws IOException {
        for (long left = chars; left > 0; ) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                throw new IOException("the spooled text is shorter than its first page");
            }
            left -= skipped;
        }
    }
}
