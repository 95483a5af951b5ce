package io.docpipe.provider;

import java.util.List;
import java.util.regex.Pattern;

/** Keeps secrets out of anything docpipe stores or shows: configured keys, and strings shaped like API keys. */
public class Redactor {

    private static final Pattern KEY_SHAPED = Pattern.compile("\\b(sk|llx|whsec)[-_][A-Za-z0-9_*.\\-]{4,}");

    private final List<String> secrets;

    public Redactor(List<String> secrets) {
        this.secrets =
                secrets.stream().filter(s -> s != null && s.length() >= 4).toList();
    }

    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, "[redacted]");
        }
        return KEY_SHAPED.matcher(result).replaceAll("[redacted]");
    }
}
