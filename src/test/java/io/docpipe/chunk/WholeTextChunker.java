package io.docpipe.chunk;

import com.knuddels.jtokkit.api.IntArrayList;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The chunker written the plain way, kept as the reference {@link TokenChunker} must match: it holds the text whole,
 * counts every candidate chunk by encoding it whole, and finds the overlap by encoding the whole chunk before, where
 * {@link TokenChunker} streams the text, encodes each paragraph once and counts joins from the words around them.
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

    /** A text with its token count. */
    private record Piece(String text, int tokens) {}

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
            for (Piece chunk : packSection(section)) {
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

    /** Packs one section's paragraphs greedily into chunks, with overlap between the section's chunks. */
    private List<Piece> packSection(List<String> paragraphs) {
        // every piece must fit in a chunk next to the overlap carried over from the chunk before
        int pieceLimit = chunkSizeTokens - overlapTokens;
        List<Piece> chunks = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String paragraph : paragraphs) {
            for (Piece piece : fit(paragraph, pieceLimit, 0)) {
                if (current.isEmpty()) {
                    current.append(piece.text());
                    continue;
                }
                if (counter.count(current + PARAGRAPH_JOIN + piece.text()) <= chunkSizeTokens) {
                    current.append(PARAGRAPH_JOIN).append(piece.text());
                    continue;
                }
                Piece finished = whole(current.toString());
                chunks.add(finished);
                current.setLength(0);
                current.append(withOverlap(finished.text(), piece));
            }
        }
        if (!current.isEmpty()) {
            chunks.add(whole(current.toString()));
        }
        return chunks;
    }

    private Piece whole(String text) {
        return new Piece(text, counter.count(text));
    }

    /** The new chunk's text: the tail of the previous chunk, then the piece, shortened until it fits. */
    private String withOverlap(String previous, Piece piece) {
        IntArrayList tokens = counter.encode(previous);
        for (int overlap = Math.min(overlapTokens, tokens.size()); overlap > 0; overlap--) {
            String text = counter.decode(tokens, tokens.size() - overlap, tokens.size())
                            .strip() + " " + piece.text();
            if (counter.count(text) <= chunkSizeTokens) {
                return text;
            }
        }
        return piece.text();
    }

    /** Splits text into pieces of at most {@code limit} tokens, preferring the coarsest boundary that works. */
    private List<Piece> fit(String text, int limit, int level) {
        if (counter.count(text) <= limit) {
            return List.of(whole(text));
        }
        Pattern boundary = level == 0 ? SENTENCE_OR_LINE_BREAK : level == 1 ? WHITESPACE : null;
        if (boundary == null) {
            return hardCut(text, limit);
        }
        List<Piece> pieces = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String part : boundary.split(text)) {
            if (part.isBlank()) {
                continue;
            }
            boolean fits = counter.count(part) <= limit;
            if (!current.isEmpty() && fits && counter.count(current + " " + part) <= limit) {
                current.append(' ').append(part);
                continue;
            }
            if (!current.isEmpty()) {
                pieces.add(whole(current.toString()));
                current.setLength(0);
            }
            if (fits) {
                current.append(part);
            } else {
                pieces.addAll(fit(part, limit, level + 1));
            }
        }
        if (!current.isEmpty()) {
            pieces.add(whole(current.toString()));
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
