package io.docpipe.storage;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** {@code Content-Disposition: attachment} with a document's name, readable by old and new clients (RFC 6266). */
public final class ContentDisposition {

    private ContentDisposition() {}

    /** An ASCII fallback name (quotes, backslashes and non-ASCII replaced) and the exact name as UTF-8. */
    public static String attachment(String filename) {
        String ascii = filename.codePoints()
                .map(c -> c < 0x20 || c > 0x7e || c == '"' || c == '\\' ? '_' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        String utf8 = URLEncoder.encode(filename, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("*", "%2A");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + utf8;
    }
}
