package io.docpipe.parse;

import io.docpipe.db.SafeText;
import io.docpipe.document.ParsedText;

/**
 * What the mock's local parse of a document gave; route parse-with-mock stores it or fails the job by it.
 *
 * @param text         the document's text as Markdown (when {@link #parsed()}), in memory up to a page, spooled to
 *                     a file beyond; removed when the exchange ends
 * @param failure      why there is none: the document has no text, cannot be parsed, or cannot be read
 * @param storeFailure the document store's error when it could not be read ({@code StorageUnavailableException},
 *                     {@code StoredFileMissingException}); null otherwise
 */
public record LocalParse(ParsedText text, String failure, RuntimeException storeFailure) {

    /** The failure quotes the parser or the store and ends up in the job's log: made fit for a database row. */
    public LocalParse {
        failure = SafeText.lines(failure, 2000);
    }

    static LocalParse of(ParsedText text) {
        return new LocalParse(text, null, null);
    }

    static LocalParse failed(String failure) {
        return new LocalParse(null, failure, null);
    }

    static LocalParse unreadable(RuntimeException storeFailure) {
        return new LocalParse(null, storeFailure.getMessage(), storeFailure);
    }

    public boolean parsed() {
        return failure == null;
    }
}
