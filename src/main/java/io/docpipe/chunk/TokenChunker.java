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
 * <p>The text streams through ({@link #chunk(Reader, Consumer)}): it is read a paragraph at a time and a section is
 * packed a window of {@link #WINDOW_CHARS} characters at a time, the chunk being filled carried from one window to
 * the next, so a text of any size takes bounded memory. A section within one window (every section of any real
 * document) is cut exactly as if the text were held whole. Past it, two things can differ: a chunk whose estimated
 * count overflowed is repacked from the window's start instead of the section's, and a paragraph longer than
 * {@link #MAX_PARAGRAPH_CHARS} (no blank line in a megabyte) is read in parts, cut at a line break or a space.
 */
public class TokenChunker {

    /** Characters of a section packed at once: the chunker's memory, with one paragraph. */
    static final int WINDOW_CHARS = 1024 * 1024;
    /** Characters of one paragraph read at once; a longer one is read in parts. */
    static final int MAX_PARAGRAPH_CHARS = 1024 * 1024;

    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s.*");
    private static final Pattern SENTENCE_OR_LINE_BREAK = Pattern.compile("(?<=[.!?])\\s+|\\n");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final String PARAGRAPH_JOIN = "\n\n";
    /** Room left for the tokens the characters around a join may add when tokenized together. */
    private static final int JOIN_SLACK_TOKENS = 4;
    /** Characters of a chunk's end encoded to find its last tokens (cl100k averages about 4 characters a token). */
    private static final int TAIL_CHARS_PER_TOKEN = 16;

    /** A text with its token count. */
    private record Piece(String text, int tokens) {}

    /** A token count, exact or the estimate of a join far below the limit. */
    private record Count(int tokens, boolean exact) {}

    private final TokenCounter counter;
    private final int chunkSizeTokens;
    private final int overlapTokens;
    private final int windowChars;
    private final int maxParagraphChars;

    public TokenChunker(TokenCounter counter, int chunkSizeTokens, int overlapTokens) {
        this(counter, chunkSizeTokens, overlapTokens, WINDOW_CHARS, MAX_PARAGRAPH_CHARS);
    }

    /** With a smaller window and paragraph size, for tests of texts that pass them. */
    TokenChunker(TokenCounter counter, int chunkSizeTokens, int overlapTokens, int windowChars, int maxParagraphChars) {
        if (chunkSizeTokens <= 0 || overlapTokens < 0 || overlapTokens >= chunkSizeTokens) {
            throw new IllegalArgumentException(
                    "need 0 <= overlap < size, got size " + chunkSizeTokens + ", overlap " + overlapTokens);
        }
        this.counter = counter;
        this.chunkSizeTokens = chunkSizeTokens;
        this.overlapTokens = overlapTokens;
        this.windowChars = windowChars;
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
     * Packs sections a window at a time: each window's paragraphs are packed greedily into the chunk being filled,
     * with overlap between a section's chunks, every finished chunk with its exact token count. Candidates are
     * counted only near the limit ({@link #joinedTokens}); should an estimate have let a chunk grow too big, the
     * window is packed again counting every candidate.
     */
    private final class Cutter {

        private final Consumer<Chunk> sink;
        private final List<String> window = new ArrayList<>();
        private long windowSize;
        private final StringBuilder current = new StringBuilder();
        private Count currentTokens;
        private int ordinal;

        Cutter(Consumer<Chunk> sink) {
            this.sink = sink;
        }

        /** The next paragraph (a heading is one of its own), {@code heading} when it starts a section. */
        void block(String text, boolean heading) {
            if (heading) {
                endSection();
            }
            window.add(text);
            windowSize += text.length();
            if (windowSize >= windowChars) {
                packWindow(false);
            }
        }

        void endSection() {
            packWindow(true);
        }

        private void packWindow(boolean sectionEnds) {
            String carried = current.toString();
            Count carriedTokens = currentTokens;
            List<Piece> finished = packWindow(sectionEnds, false);
            if (finished == null) {
                current.setLength(0);
                current.append(carried);
                currentTokens = carriedTokens;
                finished = packWindow(sectionEnds, true);
            }
            for (Piece chunk : finished) {
                sink.accept(new Chunk(ordinal++, chunk.text(), chunk.tokens()));
            }
            window.clear();
            windowSize = 0;
        }

        /**
         * The window's finished chunks (with the last one when the section ends; else the chunk being filled is
         * carried on, counted exactly), or null when one came out too big.
         */
        private List<Piece> packWindow(boolean sectionEnds, boolean exact) {
            List<Piece> finished = new ArrayList<>();
            pack(finished, exact);
            if (!current.isEmpty()) {
                Piece last = finished(current.toString(), currentTokens);
                currentTokens = new Count(last.tokens(), true);
                if (sectionEnds) {
                    finished.add(last);
                    current.setLength(0);
                    currentTokens = null;
                } else if (last.tokens() > chunkSizeTokens && !exact) {
                    return null;
                }
            }
            return exact || finished.stream().allMatch(chunk -> chunk.tokens() <= chunkSizeTokens) ? finished : null;
        }

        private void pack(List<Piece> finishedChunks, boolean exact) {
            // every piece must fit in a chunk next to the overlap carried over from the chunk before
            int pieceLimit = chunkSizeTokens - overlapTokens;
            for (String paragraph : window) {
                for (Piece piece : fit(paragraph, pieceLimit, 0, exact)) {
                    if (current.isEmpty()) {
                        current.append(piece.text());
                        currentTokens = new Count(piece.tokens(), true);
                        continue;
                    }
                    Count joined = joinedTokens(
                            current, PARAGRAPH_JOIN, piece, currentTokens.tokens(), chunkSizeTokens, exact);
                    if (joined != null) {
                        current.append(PARAGRAPH_JOIN).append(piece.text());
                        currentTokens = joined;
                        continue;
                    }
                    Piece finished = finished(current.toString(), currentTokens);
                    finishedChunks.add(finished);
                    Piece next = withOverlap(finished.text(), piece);
                    current.setLength(0);
                    current.append(next.text());
                    currentTokens = new Count(next.tokens(), true);
                }
            }
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

    /**
     * The tokens of {@code current + joiner + piece} when they are at most {@code limit}, else -1. Tokens are nearly
     * additive (only the few characters around the join can tokenize differently), so far below the limit the sum
     * is used, and the candidate is counted only near it: counting every candidate made packing quadratic.
     */
    private Count joinedTokens(
            CharSequence current, String joiner, Piece piece, int currentTokens, int limit, boolean exact) {
        int estimate = currentTokens + 1 + piece.tokens();
        if (!exact && estimate + JOIN_SLACK_TOKENS <= limit) {
            return new Count(estimate, false);
        }
        if (!exact && estimate > limit + JOIN_SLACK_TOKENS) {
            return null; // far over: the join cannot save that many
        }
        int counted = counter.count(current + joiner + piece.text());
        return counted <= limit ? new Count(counted, true) : null;
    }

    /** A chunk with its exact token count: counted now unless its count is exact already. */
    private Piece finished(String text, Count tokens) {
        return new Piece(text, tokens.exact() ? tokens.tokens() : counter.count(text));
    }

    /** The new chunk's text: the tail of the previous chunk, then the piece, shortened until it fits. */
    private Piece withOverlap(String previous, Piece piece) {
        // the overlap's tokens come from the previous chunk's end: encoding that end (a generous number of characters
        // a token) gives them without encoding the whole chunk again
        int start = previous.length() - Math.min(previous.length(), overlapTokens * TAIL_CHARS_PER_TOKEN);
        if (start > 0 && start < previous.length() && Character.isLowSurrogate(previous.charAt(start))) {
            start--; // not half a character
        }
        IntArrayList tokens = counter.encode(previous.substring(start));
        for (int overlap = Math.min(overlapTokens, tokens.size()); overlap > 0; overlap--) {
            String text = counter.decode(tokens, tokens.size() - overlap, tokens.size())
                            .strip() + " " + piece.text();
            int count = counter.count(text);
            if (count <= chunkSizeTokens) {
                return new Piece(text, count);
            }
        }
        return piece;
    }

    /**
     * Splits text into pieces of at most {@code limit} tokens, preferring the coarsest boundary that works; each
     * piece with its exact token count.
     */
    private List<Piece> fit(String text, int limit, int level, boolean exact) {
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
            Piece next = new Piece(part, counter.count(part));
            Count joined = current.isEmpty() || next.tokens() > limit
                    ? null
                    : joinedTokens(current, " ", next, currentTokens, limit, exact);
            if (joined != null) {
                current.append(' ').append(part);
                currentTokens = joined.tokens();
                continue;
            }
            if (!current.isEmpty()) {
                pieces.addAll(finishedPiece(current.toString(), limit, level, exact));
            }
            current.setLength(0);
            if (next.tokens() <= limit) {
                current.append(part);
                currentTokens = next.tokens();
            } else {
                pieces.addAll(fit(part, limit, level + 1, exact));
            }
        }
        if (!current.isEmpty()) {
            pieces.addAll(finishedPiece(current.toString(), limit, level, exact));
        }
        return pieces;
    }

    /** A packed piece, counted exactly; should an estimate have let it grow too big, it is split again counting all. */
    private List<Piece> finishedPiece(String text, int limit, int level, boolean exact) {
        int tokens = counter.count(text);
        return tokens <= limit || exact ? List.of(new Piece(text, tokens)) : fit(text, limit, level, true);
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
