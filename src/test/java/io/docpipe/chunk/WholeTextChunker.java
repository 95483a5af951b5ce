package io.docpipe.chunk;

import com.knuddels.jtokkit.api.IntArrayList;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The chunker as it was before it streamed (it held the text whole), kept as the reference the streaming
 * {@link TokenChunker} must match for texts whose sections fit in its window.
 *
 * <p>Cuts Markdown-ish text into chunks of at most {@code chunkSizeTokens} cl100k_base tokens.
 *
 * <p>Boundaries are chosen in this order: a Markdown heading always starts a new chunk (a section never shares a
 * chunk with the end of the previous one); inside a section, chunks end between paragraphs; a paragraph too big for
 * one chunk is cut between sentences or lines, then between words, and only a single "word" longer than a chunk is
 * cut between tokens. Consecutive chunks of one section overlap: a chunk that continues a section begins with the
 * last {@code overlapTokens} tokens of the chunk before it.
 */
final class WholeTextChunker {

    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s.*");
    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n\\s*\\n");
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

    WholeTextChunker(TokenCounter counter, int chunkSizeTokens, int overlapTokens) {
        if (chunkSizeTokens <= 0 || overlapTokens < 0 || overlapTokens >= chunkSizeTokens) {
            throw new IllegalArgumentException(
                    "need 0 <= overlap < size, got size " + chunkSizeTokens + ", overlap " + overlapTokens);
        }
        this.counter = counter;
        this.chunkSizeTokens = chunkSizeTokens;
        this.overlapTokens = overlapTokens;
    }

    public List<Chunk> chunk(String markdown) {
        List<Chunk> chunks = new ArrayList<>();
        for (List<String> section : sections(markdown)) {
            List<Piece> packed = packSection(section, false);
            if (packed.stream().anyMatch(chunk -> chunk.tokens() > chunkSizeTokens)) {
                // an estimate at a boundary was too low: pack this section again counting every candidate
                packed = packSection(section, true);
            }
            for (Piece chunk : packed) {
                chunks.add(new Chunk(chunks.size(), chunk.text(), chunk.tokens()));
            }
        }
        return chunks;
    }

    /** Sections start at headings; each is a list of paragraphs (the heading is a paragraph of its own). */
    private static List<List<String>> sections(String markdown) {
        List<List<String>> sections = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String paragraph : PARAGRAPH_BREAK.split(markdown.replace("\r\n", "\n"))) {
            // a heading line may sit directly above its text without a blank line
            for (String block : splitBeforeHeadings(paragraph)) {
                String text = block.strip();
                if (text.isEmpty()) {
                    continue;
                }
                if (HEADING.matcher(firstLine(text)).matches()) {
                    if (!current.isEmpty()) {
                        sections.add(current);
                    }
                    current = new ArrayList<>();
                }
                current.add(text);
            }
        }
        if (!current.isEmpty()) {
            sections.add(current);
        }
        return sections;
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
     * Packs one section's paragraphs greedily into chunks, with overlap between the section's chunks; each chunk with
     * its exact token count. Candidates are counted only near the limit (see {@link #joinedTokens}), or always when
     * {@code exact}.
     */
    private List<Piece> packSection(List<String> paragraphs, boolean exact) {
        // every piece must fit in a chunk next to the overlap carried over from the chunk before
        int pieceLimit = chunkSizeTokens - overlapTokens;
        List<Piece> chunks = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        Count currentTokens = null;
        for (String paragraph : paragraphs) {
            for (Piece piece : fit(paragraph, pieceLimit, 0, exact)) {
                if (current.isEmpty()) {
                    current.append(piece.text());
                    currentTokens = new Count(piece.tokens(), true);
                    continue;
                }
                Count joined =
                        joinedTokens(current, PARAGRAPH_JOIN, piece, currentTokens.tokens(), chunkSizeTokens, exact);
                if (joined != null) {
                    current.append(PARAGRAPH_JOIN).append(piece.text());
                    currentTokens = joined;
                    continue;
                }
                Piece finished = finished(current.toString(), currentTokens);
                chunks.add(finished);
                Piece next = withOverlap(finished.text(), piece);
                current.setLength(0);
                current.append(next.text());
                currentTokens = new Count(next.tokens(), true);
            }
        }
        if (!current.isEmpty()) {
            chunks.add(finished(current.toString(), currentTokens));
        }
        return chunks;
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
