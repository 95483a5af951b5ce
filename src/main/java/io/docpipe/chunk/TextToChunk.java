package io.docpipe.chunk;

import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;

/**
 * A document's parsed text as the chunk stage reads it: a {@link Reader} over its pages, its leading whitespace
 * (which cuts into no chunk) already read, so {@link #isEmpty()} knows whether there is any text to chunk without
 * reading it all. Holds the pages of one read at most.
 */
public final class TextToChunk {

    private final PushbackReader text;
    private final boolean empty;

    TextToChunk(Reader pages) {
        this.text = new PushbackReader(pages, 1);
        try {
            int c = text.read();
            while (c != -1 && Character.isWhitespace(c)) {
                c = text.read();
            }
            empty = c == -1;
            if (!empty) {
                text.unread(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the parsed text", e);
        }
    }

    /** No text to chunk: the document has none, or only whitespace. */
    public boolean isEmpty() {
        return empty;
    }

    /** The text from its first non-whitespace character on. */
    Reader reader() {
        return text;
    }
}
