package io.docpipe.cost;

import java.time.Instant;

/**
 * A call the budget could not take.
 *
 * @param limit         daily_budget or hourly_requests
 * @param reason        for the job's events and the log
 * @param windowOpensAt when the spent limit starts afresh (next UTC midnight or hour)
 */
public record BudgetRefusal(String service, String limit, String reason, Instant windowOpensAt) {
}
