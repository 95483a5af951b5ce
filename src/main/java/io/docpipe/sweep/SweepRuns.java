package io.docpipe.sweep;

import io.docpipe.db.SqlStatements;
import io.docpipe.observe.Meters;
import java.sql.Timestamp;
import java.util.Date;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The log of sweep runs in {@code sweep_runs}: which instance ran which sweep for which scheduled fire time, and
 * how many records it touched. With Quartz clustered, each fire time appears once, whichever instance ran it.
 */
public class SweepRuns {

    /** Quartz's header with the time the trigger was due (absent when a sweep is started by hand). */
    static final String SCHEDULED_FIRE_TIME = "scheduledFireTime";

    static final String RUN_ID = "sweepRunId";
    static final String SWEEP = "sweep";

    private final NamedParameterJdbcTemplate jdbc;
    private final String actor;
    private final Meters meters;

    public SweepRuns(NamedParameterJdbcTemplate jdbc, String actor, Meters meters) {
        this.jdbc = jdbc;
        this.actor = actor;
        this.meters = meters;
    }

    public long start(@Variable(SWEEP) String sweep, @Header(SCHEDULED_FIRE_TIME) Date scheduledFireTime) {
        Timestamp due =
                new Timestamp(scheduledFireTime == null ? System.currentTimeMillis() : scheduledFireTime.getTime());
        return jdbc.queryForObject(
                SqlStatements.load("sweep/start-sweep-run.sql"),
                new MapSqlParameterSource()
                        .addValue("sweep", sweep)
                        .addValue("scheduled_fire_time", due)
                        .addValue("actor", actor),
                Long.class);
    }

    /** @param affected what the sweep touched (jobs, rows, vectors) */
    public void finish(@Variable(SWEEP) String sweep, @Variable(RUN_ID) long runId, @Body Integer affected) {
        meters.sweepWork(sweep, affected == null ? 0 : affected);
        jdbc.update(
                SqlStatements.load("sweep/finish-sweep-run.sql"),
                new MapSqlParameterSource().addValue("id", runId).addValue("affected", affected));
    }
}
