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
