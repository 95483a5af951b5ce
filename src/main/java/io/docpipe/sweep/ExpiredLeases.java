package io.docpipe.sweep;

import io.docpipe.db.SqlStatements;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.CorrelationContext;
import io.docpipe.job.JobStateMachine;
import java.util.Map;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Rescues jobs whose worker died, hung or lost the database mid-stage: their lease is freed so the stage's next
 * claim takes them over, and the interrupted attempt is counted. A job that keeps losing its workers (a document
 * that crashes the parser, say) fails for good once it has used its attempts, instead of looping forever.
 */
public class ExpiredLeases {

    private final NamedParameterJdbcTemplate jdbc;
    private final JobStateMachine jobs;
    private final int maxAttempts;
    private final int batchSize;

    public ExpiredLeases(NamedParameterJdbcTemplate jdbc, JobStateMachine jobs, int maxAttempts, int batchSize) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.maxAttempts = maxAttempts;
        this.batchSize = batchSize;
    }

    /** @return the leases freed */
    public int reclaim() {
        int reclaimed = 0;
        for (Map<String, Object> row : jdbc.queryForList(
                SqlStatements.load("jobs/find-expired-leases.sql"), new MapSqlParameterSource("limit", batchSize))) {
            ClaimedJob job = ClaimedJob.fromRow(row);
            CorrelationContext.enter(job);
            String owner = (String) row.get("lease_owner");
            int attempts = ((Number) row.get("attempts")).intValue() + 1;
            if (attempts >= maxAttempts && job.status().failedState().isPresent()) {
                // the lost attempt was the last: failing counts it and frees the lease
                if (jobs.fail(
                                job,
                                job.status(),
                                job.status().failedState().get(),
                                "gave up after " + attempts + " attempts: the lease of its worker (last " + owner
                                        + ") expired",
                                null)
                        .applied()) {
                    reclaimed++;
                }
            } else if (jobs.releaseExpiredLease(job.id(), job.status(), owner)) {
                reclaimed++;
            }
        }
        CorrelationContext.leave();
        return reclaimed;
    }
}
