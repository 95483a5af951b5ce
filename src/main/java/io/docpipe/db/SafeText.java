package io.docpipe.db;

/**
 * Text from outside (file names, webhook fields, provider messages) made fit for PostgreSQL, which refuses the NUL
 * character in {@code text}, and for one log line: control characters are dropped (tabs and line breaks may be kept)
 * and the length is bounded.
 */
public final class SafeText {

    private SafeText() {}

    /** One line of at most {@code maxChars} characters, without control characters; null stays null. */
    public static String line(String text, int maxChars) {
        return clean(text, maxChars, false);
    }

    /** Several lines of at most {@code maxChars} characters: tabs and line breaks stay, other controls go. */
    public static String lines(String text, int maxChars) {
        return clean(text, maxChars, true);
    }

    private static String clean(String text, int maxChars, boolean keepLineBreaks) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars));
        for (int i = 0; i < text.length() && out.length() < maxChars; i++) {
            char c = text.charAt(i);
            boolean lineBreak = c == '\n' || c == '\t' || c == '\r';
            if (Character.isISOControl(c) && !(keepLineBreaks && lineBreak)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && out.length() == maxChars - 1) {
                break; // never cut a character in half
            }
            out.append(c);
        }
        return out.toString();
    }
}
