package io.docpipe.sweep;

import io.docpipe.db.SqlStatements;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.CorrelationContext;
import io.docpipe.job.JobStateMachine;
import java.util.Map;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Sends failed jobs whose next attempt is due back to the queue of the stage that failed. Each move is the state
 * machine's compare-and-set, so two sweeps (or a sweep and a manual retry) never move a job twice.
 */
public class FailedJobRetries {

    private final NamedParameterJdbcTemplate jdbc;
    private final JobStateMachine jobs;
    private final int maxAttempts;
    private final int batchSize;

    public FailedJobRetries(NamedParameterJdbcTemplate jdbc, JobStateMachine jobs, int maxAttempts, int batchSize) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.maxAttempts = maxAttempts;
        this.batchSize = batchSize;
    }

    /** @return the jobs sent back to their queue */
    public int retryDue() {
        int retried = 0;
        for (Map<String, Object> row : jdbc.queryForList(
                SqlStatements.load("jobs/find-retry-due.sql"), new MapSqlParameterSource("limit", batchSize))) {
            ClaimedJob job = ClaimedJob.fromRow(row);
            CorrelationContext.enter(job);
            int attempts = ((Number) row.get("attempts")).intValue();
            if (jobs.retry(
                            job,
                            job.status(),
                            "automatic retry after attempt " + attempts + " of " + maxAttempts,
                            false,
                            row.get("parse_job_id") != null)
                    .applied()) {
                retried++;
            }
        }
        CorrelationContext.leave();
        return retried;
    }
}
