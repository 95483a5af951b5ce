package io.docpipe.cost;

import java.sql.Timestamp;
import java.util.Map;

import io.docpipe.db.SqlStatements;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.observe.CorrelationContext;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/** Lets jobs rescheduled for a budget window be claimed again once the window has opened (the release sweep). */
public class RescheduledJobs {

    private final NamedParameterJdbcTemplate jdbc;
    private final JobStateMachine jobs;
    private final CostLedger ledger;
    private final int batchSize;

    public RescheduledJobs(NamedParameterJdbcTemplate jdbc, JobStateMachine jobs, CostLedger ledger, int batchSize) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.ledger = ledger;
        this.batchSize = batchSize;
    }

    /** @return the jobs released */
    public int releaseDue() {
        int released = 0;
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("now", Timestamp.from(ledger.clock().instant())).addValue("limit", batchSize);
        for (Map<String, Object> row : jdbc.queryForList(SqlStatements.load("jobs/find-rescheduled-due.sql"), params)) {
            ClaimedJob job = ClaimedJob.fromRow(row);
            CorrelationContext.enter(job);
            if (jobs.release(job.id(), job.status(), "budget window opened at "
                    + ((Timestamp) row.get("rescheduled_until")).toInstant() + "; released").applied()) {
                released++;
            }
        }
        CorrelationContext.leave();
        return released;
    }
}
