package io.docpipe.parse;

import io.docpipe.db.SafeText;
import io.docpipe.provider.ProviderAnswer;

/**
 * Where fetching a LlamaParse job's result stands; route fetch-parse-result moves the job on by {@link #kind()}.
 *
 * @param result the Markdown ({@link Kind#PARSED})
 * @param reason why the parse failed ({@link Kind#FAILED}) or what LlamaParse said it is doing ({@link Kind#RUNNING})
 * @param answer the provider's answer ({@link Kind#RATE_LIMITED}, {@link Kind#UNAVAILABLE})
 * @param parseJobEnded the LlamaParse job itself ended badly or is gone ({@link Kind#FAILED}): its result will never
 *               be there, so a retry must upload again
 */
public record FetchOutcome(Kind kind, ParseResult result, String reason, ProviderAnswer answer, boolean parseJobEnded) {

    /** The reason quotes LlamaParse and ends up in the job's log: made fit for a database row. */
    public FetchOutcome {
        reason = SafeText.lines(reason, 2000);
    }

    public enum Kind {
        /** LlamaParse says the job succeeded, without its result (v1): its Markdown is fetched next. */
        FINISHED,
        /** The Markdown is in hand: the job is parsed. */
        PARSED,
        /** The job is still pending or running on LlamaParse: looked at again later. */
        RUNNING,
        /** The parse failed for good (the job ended badly, LlamaParse refused, or there is no text). */
        FAILED,
        /** LlamaParse's read limit: the job waits for the pause. */
        RATE_LIMITED,
        /** LlamaParse did not answer usably: the job waits and is looked at again. */
        UNAVAILABLE
    }

    static FetchOutcome of(Kind kind, String reason) {
        return new FetchOutcome(kind, null, reason, null, false);
    }

    /** The LlamaParse job ended without a usable result. */
    static FetchOutcome ended(String reason) {
        return new FetchOutcome(Kind.FAILED, null, reason, null, true);
    }

    /** An answer that is not {@code ANSWERED}, as an outcome. */
    static FetchOutcome unanswered(ProviderAnswer answer) {
        return switch (answer.kind()) {
            // a LlamaParse job that LlamaParse does not know (any more) has no result to read
            case REJECTED ->
                new FetchOutcome(
                        Kind.FAILED,
                        null,
                        answer.rejection().toString(),
                        null,
                        answer.rejection().httpStatus() == 404);
            case RATE_LIMITED -> new FetchOutcome(Kind.RATE_LIMITED, null, answer.failure(), answer, false);
            case UNAVAILABLE -> new FetchOutcome(Kind.UNAVAILABLE, null, answer.failure(), answer, false);
            case ANSWERED -> throw new IllegalArgumentException("an answered request has its own outcome");
            case OVER_BUDGET ->
                throw new IllegalArgumentException("reading a parse is not reserved against the budget");
        };
    }

    public boolean is(Kind expected) {
        return kind == expected;
    }
}
