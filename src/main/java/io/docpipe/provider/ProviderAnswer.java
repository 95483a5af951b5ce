package io.docpipe.provider;

import io.docpipe.db.SafeText;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * How one request to a provider ended, as the stage that made it sees it; stages route on {@link #kind()}.
 *
 * @param value      the answer read by the request's reader ({@link Kind#ANSWERED}); the budget's refusal
 *                   ({@link Kind#OVER_BUDGET}, a {@code cost.BudgetRefusal})
 * @param rejection  the provider's definitive refusal ({@link Kind#REJECTED})
 * @param retryAfter how long to wait before asking again: the provider's hint, or how long its rate limit pauses
 *                   sending ({@link Kind#RATE_LIMITED}); null when there is none
 * @param failure    what went wrong, for the job's log ({@link Kind#UNAVAILABLE}, {@link Kind#RATE_LIMITED},
 *                   {@link Kind#OVER_BUDGET})
 * @param down       the service counts as down: its circuit is not closed ({@link Kind#UNAVAILABLE})
 * @param sent       the request went out (a rate limit or an open circuit may have kept it back): the ledger counts
 *                   requests that were sent
 * @param outcomeUnknown the provider may have done what was asked although the call failed: the request was sent
 *                   and then timed out, was cut off, met a gateway error (502, 504) or got a 2xx it could not read
 *                   ({@link Kind#UNAVAILABLE}). A paid request in doubt must not simply be made again.
 */
public record ProviderAnswer(
        Kind kind,
        Object value,
        ProviderRejection rejection,
        Duration retryAfter,
        String failure,
        boolean down,
        boolean sent,
        boolean outcomeUnknown) {

    /** Failures quote the provider and end up in the job's log: made fit for a database row. */
    public ProviderAnswer {
        failure = SafeText.lines(failure, 2000);
    }

    public enum Kind {
        /** A usable answer. */
        ANSWERED,
        /** A definitive no: retrying would not help, the job fails with the provider's words. */
        REJECTED,
        /** Too many requests: the job waits for the pause, without spending an attempt. */
        RATE_LIMITED,
        /** The provider failed, timed out, answered garbage or its circuit is open. */
        UNAVAILABLE,
        /** The service's budget (or the hour's request cap) could not take the request: it was not made. */
        OVER_BUDGET
    }

    public static ProviderAnswer answered(Object value) {
        return new ProviderAnswer(Kind.ANSWERED, value, null, null, null, false, true, false);
    }

    public static ProviderAnswer rejected(ProviderRejection rejection) {
        return new ProviderAnswer(Kind.REJECTED, null, rejection, null, rejection.toString(), false, true, false);
    }

    public static ProviderAnswer rateLimited(Duration pause, String reason, boolean sent) {
        return new ProviderAnswer(Kind.RATE_LIMITED, null, null, pause, reason, false, sent, false);
    }

    public static ProviderAnswer unavailable(
            String failure, Duration retryAfter, boolean down, boolean sent, boolean outcomeUnknown) {
        return new ProviderAnswer(Kind.UNAVAILABLE, null, null, retryAfter, failure, down, sent, outcomeUnknown);
    }

    /** @param refusal the budget's refusal, for the step that reschedules the jobs or lets the mock stand in */
    public static ProviderAnswer overBudget(String reason, Object refusal) {
        return new ProviderAnswer(Kind.OVER_BUDGET, refusal, null, null, reason, false, false, false);
    }

    public boolean is(Kind expected) {
        return kind == expected;
    }

    /**
     * When a job may ask again after this answer: after the provider's pause ({@link #retryAfter()}), or a second
     * when it named none. An offset date-time (UTC), as a SQL step binds it to a {@code timestamptz}.
     */
    public OffsetDateTime pauseEnd() {
        return OffsetDateTime.now(ZoneOffset.UTC).plus(retryAfter == null ? Duration.ofSeconds(1) : retryAfter);
    }

    /** The answer's value as the type its reader produced. */
    public <T> T valueAs(Class<T> type) {
        return type.cast(value);
    }
}
