package io.docpipe.cost;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A call the budget could not take.
 *
 * @param limit         daily_budget, hourly_requests, or over_daily_budget (the call costs more than a whole day's
 *                      budget: it never fits)
 * @param reason        for the job's events and the log
 * @param windowOpensAt when the spent limit starts afresh (next UTC midnight or hour); null when it never fits
 */
public record BudgetRefusal(String service, String limit, String reason, Instant windowOpensAt) {

    /** {@link #windowOpensAt()} as an offset date-time (UTC), as a SQL step binds it to a {@code timestamptz}. */
    public OffsetDateTime windowOpens() {
        return windowOpensAt == null ? null : windowOpensAt.atOffset(ZoneOffset.UTC);
    }

    /** Whether waiting helps: no day's budget can take a call that costs more than the whole budget. */
    public boolean neverFits() {
        return windowOpensAt == null;
    }
}
