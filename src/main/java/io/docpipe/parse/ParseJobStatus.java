package io.docpipe.parse;

import java.util.Set;

/**
 * A parse job's state on LlamaParse, as either API generation reports it.
 *
 * @param errorCode v1's {@code error_code}; v2 has none
 * @param result    the parse's result, when the status answer carries it (v2's {@code expand}); null otherwise, and
 *                  then it is read with a request of its own (v1)
 */
public record ParseJobStatus(String status, String errorCode, String errorMessage, ParseResult result) {

    /** v1: SUCCESS, PARTIAL_SUCCESS (some pages failed); v2: COMPLETED (failed pages are listed in the result). */
    private static final Set<String> SUCCEEDED = Set.of("SUCCESS", "PARTIAL_SUCCESS", "COMPLETED");

    private static final Set<String> PENDING = Set.of("PENDING", "RUNNING");

    public ParseJobStatus(String status, String errorCode, String errorMessage) {
        this(status, errorCode, errorMessage, null);
    }

    public boolean succeeded() {
        return SUCCEEDED.contains(status);
    }

    /** Still queued or working; anything else that did not succeed (ERROR, FAILED, CANCELLED, …) ended badly. */
    public boolean pending() {
        return PENDING.contains(status);
    }
}
