package io.docpipe.sweep;

import org.apache.camel.builder.RouteBuilder;

/**
 * The job-keeping sweeps: retrying failed jobs whose next attempt is due, rescuing jobs whose worker's lease
 * expired, and purging records past their retention. Their schedules are the Quartz routes of routes/sweeps.yaml;
 * the other sweeps live with their concern (poll-overdue-parse-jobs, reembed-fallback-vectors,
 * release-rescheduled-jobs, deliver-budget-alerts).
 */
public class SweepRoutes extends RouteBuilder {

    @Override
    public void configure() {
        // spotless:off
        Sweep.from(this, "retry-failed-jobs", "Sends failed jobs whose next attempt is due back to their stage's queue")
                .bean("failedJobRetries", "retryDue")
                .bean("sweepRuns", "finish");

        Sweep.from(this, "reclaim-expired-leases", "Frees jobs whose worker's lease expired, counting the lost attempt")
                .bean("expiredLeases", "reclaim")
                .bean("sweepRuns", "finish");

        Sweep.from(this, "purge-expired-records", "Deletes events, ledger days and sweep runs past their retention")
                .bean("retentionPurge", "purge")
                .bean("sweepRuns", "finish");
        // spotless:on
    }
}
