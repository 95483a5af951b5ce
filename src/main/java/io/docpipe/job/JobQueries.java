package io.docpipe.job;

import io.docpipe.db.SqlStatements;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/** The read side of jobs for the API. */
public class JobQueries {

    private final NamedParameterJdbcTemplate jdbc;

    public JobQueries(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The job with its full event log. */
    public Optional<JobView> find(UUID jobId) {
        MapSqlParameterSource params = new MapSqlParameterSource("job_id", jobId);
        return jdbc.query(SqlStatements.load("jobs/find-job.sql"), params, (rs, n) -> job(rs)).stream()
                .findFirst()
                .map(job -> job.withEvents(jdbc.query(
                        SqlStatements.load("jobs/list-job-events.sql"),
                        params,
                        (rs, n) -> new JobView.Event(
                                rs.getString("from_status"),
                                rs.getString("to_status"),
                                timestamp(rs, "at"),
                                rs.getString("detail")))));
    }

    /** Newest jobs first, without their events; {@code status} null means any; {@code deadOnly} keeps dead ones. */
    public List<JobView> list(JobStatus status, boolean deadOnly, int limit) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("status", status == null ? null : status.wireName())
                .addValue("dead_only", deadOnly)
                .addValue("limit", limit);
        return jdbc.query(SqlStatements.load("jobs/list-jobs.sql"), params, (rs, n) -> job(rs));
    }

    private static JobView job(ResultSet rs) throws SQLException {
        return new JobView(
                rs.getObject("id", UUID.class),
                rs.getObject("document_id", UUID.class),
                rs.getString("correlation_id"),
                rs.getString("status"),
                rs.getInt("attempts"),
                rs.getString("last_error"),
                timestamp(rs, "created_at"),
                timestamp(rs, "updated_at"),
                rs.getBigDecimal("cost_usd"),
                timestamp(rs, "next_attempt_at"),
                timestamp(rs, "rescheduled_until"),
                rs.getBoolean("dead"),
                rs.getString("parse_job_id"),
                pages(rs.getArray("parse_failed_pages")),
                null);
    }

    private static List<Integer> pages(java.sql.Array array) throws SQLException {
        return array == null ? List.of() : List.of((Integer[]) array.getArray());
    }

    private static String timestamp(ResultSet rs, String column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant().toString();
    }
}
