package io.docpipe.sweep;

import io.docpipe.db.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Deletes bookkeeping past its retention: events of finished jobs, old ledger days, sweep runs, webhook ids, and
 * the changes the search indexes have followed.
 */
public class RetentionPurge {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionPurge.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final int eventDays;
    private final int ledgerDays;
    private final int sweepRunDays;
    private final int searchChangeDays;

    public RetentionPurge(
            NamedParameterJdbcTemplate jdbc, int eventDays, int ledgerDays, int sweepRunDays, int searchChangeDays) {
        this.jdbc = jdbc;
        this.eventDays = eventDays;
        this.ledgerDays = ledgerDays;
        this.sweepRunDays = sweepRunDays;
        this.searchChangeDays = searchChangeDays;
    }

    /** @return the rows deleted */
    public int purge() {
        int events = delete("sweep/purge-job-events.sql", eventDays);
        int deliveries = delete("sweep/purge-webhook-deliveries.sql", eventDays);
        Integer ledger = jdbc.queryForObject(
                SqlStatements.load("sweep/purge-cost-ledger.sql"),
                new MapSqlParameterSource("retention_days", ledgerDays),
                Integer.class);
        int runs = delete("sweep/purge-sweep-runs.sql", sweepRunDays);
        Integer changes = jdbc.queryForObject(
                SqlStatements.load("sweep/purge-search-changes.sql"),
                new MapSqlParameterSource("retention_days", searchChangeDays),
                Integer.class);
        int total = events + deliveries + (ledger == null ? 0 : ledger) + runs + (changes == null ? 0 : changes);
        if (total > 0) {
            LOG.info(
                    "purged {} job events, {} webhook delivery ids, {} cost ledger rows, {} sweep runs and {} search"
                            + " index changes past retention",
                    events,
                    deliveries,
                    ledger,
                    runs,
                    changes);
        }
        return total;
    }

    private int delete(String sql, int days) {
        return jdbc.update(SqlStatements.load(sql), new MapSqlParameterSource("retention_days", days));
    }
}
