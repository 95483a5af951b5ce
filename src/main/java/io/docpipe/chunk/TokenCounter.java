package io.docpipe.chunk;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * Token counts as OpenAI's embedding models see them (cl100k_base, jtokkit). Document text is encoded as ordinary
 * text, so strings such as {@code <|endoftext|>} in a document count as text instead of failing.
 */
public class TokenCounter {

    private final Encoding encoding = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    public int count(String text) {
        return encoding.countTokensOrdinary(text);
    }

    public IntArrayList encode(String text) {
        return encoding.encodeOrdinary(text);
    }

    /**
     * The tokens of {@code left + joiner + right}, from the tokens of each side, without encoding the sides again.
     * cl100k first splits a text into pieces (its regular expression), then encodes each piece on its own; a space
     * between a visible ASCII character and an ASCII letter always begins a piece, whatever comes before or after
     * it. Cut there, a text's tokens are the sum of its parts' tokens, so only the part of {@code left} from its last
     * such space, the joiner and the part of {@code right} before its first one are counted: a few words.
     */
    public int countJoined(CharSequence left, int leftTokens, String joiner, CharSequence right, int rightTokens) {
        int tailStart = lastCutBefore(left, left.length());
        int headEnd = firstCut(right);
        String tail = left.subSequence(tailStart, left.length()).toString();
        String head = right.subSequence(0, headEnd).toString();
        int tailTokens = tailStart == 0 ? leftTokens : count(tail);
        int headTokens = headEnd == right.length() ? rightTokens : count(head);
        return leftTokens - tailTokens + count(tail + joiner + head) - headTokens + rightTokens;
    }

    /**
     * The last tokens of a text, at least {@code tokens} of them where it has that many: exactly the end of
     * {@link #encode}'s answer for the whole text, found by encoding only its end, from a cut (as in
     * {@link #countJoined}) far enough back.
     */
    public IntArrayList encodeEnd(String text, int tokens) {
        int back = Math.max(16, tokens * 8); // cl100k averages about 4 characters a token in English, 8 in long words
        while (true) {
            int start = lastCutBefore(text, Math.max(0, text.length() - back));
            IntArrayList encoded = encode(text.substring(start));
            if (encoded.size() >= tokens || start == 0) {
                return encoded;
            }
            back *= 2;
        }
    }

    /** The last cut at or before {@code limit} (a space that always begins a piece), or 0. */
    private static int lastCutBefore(CharSequence text, int limit) {
        for (int i = Math.min(limit, text.length() - 2); i > 0; i--) {
            if (isCut(text, i)) {
                return i;
            }
        }
        return 0;
    }

    /** The first cut, or the text's length. */
    private static int firstCut(CharSequence text) {
        for (int i = 1; i < text.length() - 1; i++) {
            if (isCut(text, i)) {
                return i;
            }
        }
        return text.length();
    }

    /**
     * A space after a visible ASCII character and before an ASCII letter: the character before ends its piece
     * (no piece takes a space after a non-space), and the space begins one ({@code [^\r\n\p{L}\p{N}]?\p{L}+}).
     */
    private static boolean isCut(CharSequence text, int i) {
        char before = text.charAt(i - 1);
        char after = text.charAt(i + 1);
        return text.charAt(i) == ' '
                && before > ' '
                && before < 0x7f
                && (after >= 'a' && after <= 'z' || after >= 'A' && after <= 'Z');
    }

    /** Decodes a token range; a cut inside a multi-byte character leaves no replacement characters at its ends. */
    public String decode(IntArrayList tokens, int from, int to) {
        IntArrayList slice = new IntArrayList(to - from);
        for (int i = from; i < to; i++) {
            slice.add(tokens.get(i));
        }
        return stripReplacementChars(encoding.decode(slice));
    }

    /** The text cut to at most {@code maxTokens} tokens, on a token boundary. */
    public String truncate(String text, int maxTokens) {
        IntArrayList tokens = encode(text);
        return tokens.size() <= maxTokens ? text : decode(tokens, 0, maxTokens);
    }

    private static String stripReplacementChars(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) == '\uFFFD') {
            start++;
        }
        while (end > start && text.charAt(end - 1) == '\uFFFD') {
            end--;
        }
        return text.substring(start, end);
    }
}
