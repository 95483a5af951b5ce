package io.docpipe.chunk;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.knuddels.jtokkit.api.IntArrayList;

/**
 * Cuts Markdown-ish text into chunks of at most {@code chunkSizeTokens} cl100k_base tokens.
 *
 * <p>Boundaries are chosen in this order: a Markdown heading always starts a new chunk (a section never shares a
 * chunk with the end of the previous one); inside a section, chunks end between paragraphs; a paragraph too big for
 * one chunk is cut between sentences or lines, then between words, and only a single "word" longer than a chunk is
 * cut between tokens. Consecutive chunks of one section overlap: a chunk that continues a section begins with the
 * last {@code overlapTokens} tokens of the chunk before it.
 */
public class TokenChunker {

    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s.*");
    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n\\s*\\n");
    private static final Pattern SENTENCE_OR_LINE_BREAK = Pattern.compile("(?<=[.!?])\\s+|\\n");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final TokenCounter counter;
    private final int chunkSizeTokens;
    private final int overlapTokens;

    public TokenChunker(TokenCounter counter, int chunkSizeTokens, int overlapTokens) {
        if (chunkSizeTokens <= 0 || overlapTokens < 0 || overlapTokens >= chunkSizeTokens) {
            throw new IllegalArgumentException(
                    "need 0 <= overlap < size, got size " + chunkSizeTokens + ", overlap " + overlapTokens);
        }
        this.counter = counter;
        this.chunkSizeTokens = chunkSizeTokens;
        this.overlapTokens = overlapTokens;
    }

    public List<Chunk> chunk(String markdown) {
        List<String> texts = new ArrayList<>();
        for (List<String> section : sections(markdown)) {
            packSection(section, texts);
        }
        List<Chunk> chunks = new ArrayList<>(texts.size());
        for (String text : texts) {
            chunks.add(new Chunk(chunks.size(), text, counter.count(text)));
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
    private void packSection(List<String> paragraphs, List<String> out) {
        // every piece must fit in a chunk next to the overlap carried over from the chunk before
        int pieceLimit = chunkSizeTokens - overlapTokens;
        StringBuilder current = new StringBuilder();
        for (String paragraph : paragraphs) {
            for (String piece : fit(paragraph, pieceLimit, 0)) {
                String candidate = current.isEmpty() ? piece : current + "\n\n" + piece;
                if (counter.count(candidate) <= chunkSizeTokens) {
                    current.setLength(0);
                    current.append(candidate);
                    continue;
                }
                String finished = current.toString();
                out.add(finished);
                current.setLength(0);
                current.append(withOverlap(finished, piece));
            }
        }
        if (!current.isEmpty()) {
            out.add(current.toString());
        }
    }

    /** The new chunk's text: the tail of the previous chunk, then the piece, shortened until it fits. */
    private String withOverlap(String previous, String piece) {
        IntArrayList tokens = counter.encode(previous);
        for (int overlap = Math.min(overlapTokens, tokens.size()); overlap > 0; overlap--) {
            String text = counter.decode(tokens, tokens.size() - overlap, tokens.size()).strip() + " " + piece;
            if (counter.count(text) <= chunkSizeTokens) {
                return text;
            }
        }
        return piece;
    }

    /** Splits text into pieces of at most {@code limit} tokens, preferring the coarsest boundary that works. */
    private List<String> fit(String text, int limit, int level) {
        if (counter.count(text) <= limit) {
            return List.of(text);
        }
        Pattern boundary = level == 0 ? SENTENCE_OR_LINE_BREAK : level == 1 ? WHITESPACE : null;
        if (boundary == null) {
            return hardCut(text, limit);
        }
        List<String> pieces = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String part : boundary.split(text)) {
            if (part.isBlank()) {
                continue;
            }
            String candidate = current.isEmpty() ? part : current + " " + part;
            if (counter.count(candidate) <= limit) {
                current.setLength(0);
                current.append(candidate);
            } else {
                if (!current.isEmpty()) {
                    pieces.add(current.toString());
                }
                current.setLength(0);
                if (counter.count(part) <= limit) {
                    current.append(part);
                } else {
                    pieces.addAll(fit(part, limit, level + 1));
                }
            }
        }
        if (!current.isEmpty()) {
            pieces.add(current.toString());
        }
        return pieces;
    }

    private List<String> hardCut(String text, int limit) {
        IntArrayList tokens = counter.encode(text);
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < tokens.size()) {
            int end = Math.min(tokens.size(), start + limit);
            String piece = counter.decode(tokens, start, end);
            // decoded text can tokenize differently on its own: shrink until it really fits
            while (end - start > 1 && counter.count(piece) > limit) {
                end--;
                piece = counter.decode(tokens, start, end);
            }
            if (!piece.isBlank()) {
                pieces.add(piece);
            }
            start = end;
        }
        return pieces;
    }
}
