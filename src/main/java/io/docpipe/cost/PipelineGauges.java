package io.docpipe.cost;

import io.docpipe.db.SqlStatements;
import io.docpipe.observe.Meters;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Gauges read from PostgreSQL at each scrape, for alerting in Prometheus: {@code docpipe_jobs_dead} (failed jobs
 * waiting for a person), {@code docpipe_jobs_rescheduled} (jobs waiting for a budget window) and
 * {@code docpipe_cost_today_usd{service}} (today's spent and reserved USD). Shared by all instances, so each
 * instance reports the same value: aggregate them with max, not sum.
 */
public class PipelineGauges {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineGauges.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final CostLedger ledger;
    private final List<String> services;

    public PipelineGauges(NamedParameterJdbcTemplate jdbc, CostLedger ledger, List<String> services) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.services = services;
    }

    public void register(Meters meters) {
        meters.gauge("docpipe.jobs.dead", () -> count("observe/count-dead-jobs.sql"));
        meters.gauge("docpipe.jobs.rescheduled", () -> count("observe/count-rescheduled-jobs.sql"));
        for (String service : services) {
            meters.gauge("docpipe.cost.today.usd", () -> committedToday(service), "service", service);
        }
    }

    private double count(String sql) {
        return read(() -> jdbc.queryForObject(SqlStatements.load(sql), new MapSqlParameterSource(), Long.class));
    }

    private double committedToday(String service) {
        return read(() -> jdbc
                .queryForList(
                        SqlStatements.load("cost/find-committed.sql"),
                        new MapSqlParameterSource()
                                .addValue("service", service)
                                .addValue("day", Date.valueOf(ledger.today())),
                        BigDecimal.class)
                .stream()
                .findFirst()
                .orElse(BigDecimal.ZERO));
    }

    /** A scrape while the database is away reports no value rather than failing the whole scrape. */
    private static double read(Supplier<Number> query) {
        try {
            Number value = query.get();
            return value == null ? 0 : value.doubleValue();
        } catch (RuntimeException e) {
            LOG.debug("gauge not read: {}", e.getMessage());
            return Double.NaN;
        }
    }
}
