package io.docpipe.chunk;

import com.knuddels.jtokkit.api.IntArrayList;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Cuts Markdown-ish text into chunks of at most {@code chunkSizeTokens} cl100k_base tokens.
 *
 * <p>Boundaries are chosen in this order: a Markdown heading always starts a new chunk (a section never shares a
 * chunk with the end of the previous one); inside a section, chunks end between paragraphs; a paragraph too big for
 * one chunk is cut between sentences or lines, then between words, and only a single "word" longer than a chunk is
 * cut between tokens. Consecutive chunks of one section overlap: a chunk that continues a section begins with the
 * last {@code overlapTokens} tokens of the chunk before it.
 *
 * <p>The text streams through ({@link #chunk(Reader, Consumer)}): it is read a paragraph at a time and each
 * paragraph is packed into the chunk being filled at once, so a text of any size takes the memory of one paragraph
 * and one chunk, and is cut exactly as if it were held whole; only a paragraph longer than
 * {@link #MAX_PARAGRAPH_CHARS} (no blank line in a megabyte) is read in parts, cut at a line break or a space.
 *
 * <p>Each paragraph (or sentence, or word) is encoded once. Whether the next one still fits is counted exactly from
 * the two counts and the few words around the join ({@link TokenCounter#countJoined}), so a chunk's text is not
 * encoded again, and only the end of a finished chunk is encoded for the overlap ({@link TokenCounter#encodeEnd}).
 */
public class TokenChunker {

    /** Characters of one paragraph read at once; a longer one is read in parts. */
    static final int MAX_PARAGRAPH_CHARS = 1024 * 1024;

    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s.*");
    private static final Pattern SENTENCE_OR_LINE_BREAK = Pattern.compile("(?<=[.!?])\\s+|\\n");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final String PARAGRAPH_JOIN = "\n\n";

    /** A text with its token count. */
    private record Piece(String text, int tokens) {}

    private final TokenCounter counter;
    private final int chunkSizeTokens;
    private final int overlapTokens;
    private final int maxParagraphChars;

    public TokenChunker(TokenCounter counter, int chunkSizeTokens, int overlapTokens) {
        this(counter, chunkSizeTokens, overlapTokens, MAX_PARAGRAPH_CHARS);
    }

    /** With a smaller paragraph size, for tests of texts that pass it. */
    TokenChunker(TokenCounter counter, int chunkSizeTokens, int overlapTokens, int maxParagraphChars) {
        if (chunkSizeTokens <= 0 || overlapTokens < 0 || overlapTokens >= chunkSizeTokens) {
            throw new IllegalArgumentException(
                    "need 0 <= overlap < size, got size " + chunkSizeTokens + ", overlap " + overlapTokens);
        }
        this.counter = counter;
        this.chunkSizeTokens = chunkSizeTokens;
        this.overlapTokens = overlapTokens;
        this.maxParagraphChars = maxParagraphChars;
    }

    /** The chunks of a text in hand. */
    public List<Chunk> chunk(String markdown) {
        List<Chunk> chunks = new ArrayList<>();
        chunk(new StringReader(markdown), chunks::add);
        return chunks;
    }

    /**
     * Reads the text to its end and hands each chunk to {@code sink} in order, as soon as it is cut.
     *
     * @return the number of chunks
     */
    public int chunk(Reader markdown, Consumer<Chunk> sink) {
        Cutter cutter = new Cutter(sink);
        try {
            ParagraphReader paragraphs = new ParagraphReader(markdown, maxParagraphChars);
            for (String paragraph = paragraphs.next(); paragraph != null; paragraph = paragraphs.next()) {
                // a heading line may sit directly above its text without a blank line
                for (String block : splitBeforeHeadings(paragraph)) {
                    String text = block.strip();
                    if (!text.isEmpty()) {
                        cutter.block(text, HEADING.matcher(firstLine(text)).matches());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the text to chunk", e);
        }
        cutter.endSection();
        return cutter.ordinal;
    }

    /**
     * Packs a section's paragraphs greedily into the chunk being filled, with overlap between a section's chunks;
     * every count is exact.
     */
    private final class Cutter {

        private final Consumer<Chunk> sink;
        private final StringBuilder current = new StringBuilder();
        private int currentTokens;
        private int ordinal;

        Cutter(Consumer<Chunk> sink) {
            this.sink = sink;
        }

        /** The next paragraph (a heading is one of its own), {@code heading} when it starts a section. */
        void block(String text, boolean heading) {
            if (heading) {
                endSection();
            }
            // every piece must fit in a chunk next to the overlap carried over from the chunk before
            for (Piece piece : fit(text, chunkSizeTokens - overlapTokens, 0)) {
                add(piece);
            }
        }

        void endSection() {
            if (!current.isEmpty()) {
                finish();
            }
        }

        private void add(Piece piece) {
            if (current.isEmpty()) {
                current.append(piece.text());
                currentTokens = piece.tokens();
                return;
            }
            int joined = counter.countJoined(current, currentTokens, PARAGRAPH_JOIN, piece.text(), piece.tokens());
            if (joined <= chunkSizeTokens) {
                current.append(PARAGRAPH_JOIN).append(piece.text());
                currentTokens = joined;
                return;
            }
            Piece next = withOverlap(finish(), piece);
            current.append(next.text());
            currentTokens = next.tokens();
        }

        /** Hands on the chunk being filled and empties it; its text. */
        private String finish() {
            String text = current.toString();
            sink.accept(new Chunk(ordinal++, text, currentTokens));
            current.setLength(0);
            return text;
        }
    }

    private static List<String> splitBeforeHeadings(String paragraph) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = new StringBuilder();
        for (String line : paragraph.split("\n")) {
            if (HEADING.matcher(line.strip()).matches() && !block.isEmpty()) {
                blocks.add(block.toString());
                block.setLength(0);
            }
            block.append(line).append('\n');
        }
        blocks.add(block.toString());
        return blocks;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** The new chunk's text: the tail of the previous chunk, then the piece, shortened until it fits. */
    private Piece withOverlap(String previous, Piece piece) {
        IntArrayList tokens = counter.encodeEnd(previous, overlapTokens);
        for (int overlap = Math.min(overlapTokens, tokens.size()); overlap > 0; overlap--) {
            String tail = counter.decode(tokens, tokens.size() - overlap, tokens.size())
                    .strip();
            int count = counter.countJoined(tail, counter.count(tail), " ", piece.text(), piece.tokens());
            if (count <= chunkSizeTokens) {
                return new Piece(tail + " " + piece.text(), count);
            }
        }
        return piece;
    }

    /**
     * Splits text into pieces of at most {@code limit} tokens, preferring the coarsest boundary that works; each
     * piece with its exact token count.
     */
    private List<Piece> fit(String text, int limit, int level) {
        int tokens = counter.count(text);
        if (tokens <= limit) {
            return List.of(new Piece(text, tokens));
        }
        Pattern boundary = level == 0 ? SENTENCE_OR_LINE_BREAK : level == 1 ? WHITESPACE : null;
        if (boundary == null) {
            return hardCut(text, limit);
        }
        List<Piece> pieces = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int currentTokens = 0;
        for (String part : boundary.split(text)) {
            if (part.isBlank()) {
                continue;
            }
            int partTokens = counter.count(part);
            if (!current.isEmpty() && partTokens <= limit) {
                int joined = counter.countJoined(current, currentTokens, " ", part, partTokens);
                if (joined <= limit) {
                    current.append(' ').append(part);
                    currentTokens = joined;
                    continue;
                }
            }
            if (!current.isEmpty()) {
                pieces.add(new Piece(current.toString(), currentTokens));
                current.setLength(0);
            }
            if (partTokens <= limit) {
                current.append(part);
                currentTokens = partTokens;
            } else {
                pieces.addAll(fit(part, limit, level + 1));
            }
        }
        if (!current.isEmpty()) {
            pieces.add(new Piece(current.toString(), currentTokens));
        }
        return pieces;
    }

    private List<Piece> hardCut(String text, int limit) {
        IntArrayList tokens = counter.encode(text);
        List<Piece> pieces = new ArrayList<>();
        int start = 0;
        while (start < tokens.size()) {
            int end = Math.min(tokens.size(), start + limit);
            String piece = counter.decode(tokens, start, end);
            int count = counter.count(piece);
            // decoded text can tokenize differently on its own: shrink until it really fits
            while (end - start > 1 && count > limit) {
                end--;
                piece = counter.decode(tokens, start, end);
                count = counter.count(piece);
            }
            if (!piece.isBlank()) {
                pieces.add(new Piece(piece, count));
            }
            start = end;
        }
        return pieces;
    }
}
