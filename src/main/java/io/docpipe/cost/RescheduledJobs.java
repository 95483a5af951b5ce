package io.docpipe.cost;

import io.docpipe.db.SqlStatements;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.CorrelationContext;
import io.docpipe.job.JobStateMachine;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Lets jobs rescheduled for a budget window be claimed again (the release sweep): once the window has opened, or,
 * when docpipe was restarted with a larger daily budget, at once. A job that still does not fit is rescheduled
 * again by its next reservation, which also records the new budget, so the release happens once.
 */
public class RescheduledJobs {

    private final NamedParameterJdbcTemplate jdbc;
    private final JobStateMachine jobs;
    private final CostLedger ledger;
    private final Budget llamaParse;
    private final Budget openAi;
    private final int batchSize;

    public RescheduledJobs(
            NamedParameterJdbcTemplate jdbc,
            JobStateMachine jobs,
            CostLedger ledger,
            Budget llamaParse,
            Budget openAi,
            int batchSize) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.ledger = ledger;
        this.llamaParse = llamaParse;
        this.openAi = openAi;
        this.batchSize = batchSize;
    }

    /** @return the jobs released */
    public int releaseDue() {
        int released = 0;
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("now", Timestamp.from(ledger.clock().instant()))
                .addValue("llamaparse_raised", raisedToday(llamaParse))
                .addValue("openai_raised", raisedToday(openAi))
                .addValue("limit", batchSize);
        for (Map<String, Object> row : jdbc.queryForList(SqlStatements.load("jobs/find-rescheduled-due.sql"), params)) {
            ClaimedJob job = ClaimedJob.fromRow(row);
            CorrelationContext.enter(job);
            String reason = Boolean.TRUE.equals(row.get("window_opened"))
                    ? "budget window opened at " + ((Timestamp) row.get("rescheduled_until")).toInstant()
                    : "daily budget raised";
            if (jobs.release(job, job.status(), reason + "; released").applied()) {
                released++;
            }
        }
        CorrelationContext.leave();
        return released;
    }

    /** Whether the budget configured now is larger than the one today's reservations were refused against. */
    private boolean raisedToday(Budget budget) {
        List<BigDecimal> inForce = jdbc.queryForList(
                SqlStatements.load("cost/find-budget-in-force.sql"),
                new MapSqlParameterSource()
                        .addValue("service", budget.service())
                        .addValue("day", Date.valueOf(ledger.today())),
                BigDecimal.class);
        if (inForce.isEmpty() || inForce.get(0) == null) {
            return false;
        }
        return budget.dailyUsd() == null || budget.dailyUsd().compareTo(inForce.get(0)) > 0;
    }
}
