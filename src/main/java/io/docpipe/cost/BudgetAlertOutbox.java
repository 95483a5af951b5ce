package io.docpipe.cost;

import io.docpipe.db.SqlStatements;
import io.docpipe.job.JobVariables;
import io.docpipe.provider.Redactor;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Budget alerts waiting for delivery to {@code ALERT_WEBHOOK_URL}. A claim pushes each alert's next try out, so one
 * instance sends it; a failed send is tried again then, until the receiver takes it.
 */
public class BudgetAlertOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetAlertOutbox.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final Redactor redactor;
    private final int retrySeconds;

    public BudgetAlertOutbox(NamedParameterJdbcTemplate jdbc, Redactor redactor, int retrySeconds) {
        this.jdbc = jdbc;
        this.redactor = redactor;
        this.retrySeconds = retrySeconds;
    }

    public List<Map<String, Object>> claim() {
        return jdbc.queryForList(
                SqlStatements.load("cost/claim-undelivered-alerts.sql"),
                new MapSqlParameterSource("retry_seconds", retrySeconds));
    }

    /** The JSON body posted: the alert's fields, and a {@code text} line chat webhooks (Slack, Teams) show as is. */
    public Map<String, Object> payload(@Body Map<String, Object> alert) {
        String service = (String) alert.get("service");
        int threshold = ((Number) alert.get("threshold_percent")).intValue();
        BigDecimal committed = (BigDecimal) alert.get("committed_usd");
        BigDecimal budget = (BigDecimal) alert.get("budget_usd");
        String day = ((Date) alert.get("day")).toLocalDate().toString();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put(
                "text",
                "docpipe: " + service + " daily budget " + (threshold >= 100 ? "exhausted" : threshold + "% used")
                        + " ($" + CostLedger.plain(committed) + " of $" + CostLedger.plain(budget) + " on " + day
                        + ")");
        payload.put("service", service);
        payload.put("date", day);
        payload.put("threshold_percent", threshold);
        payload.put("committed_usd", committed);
        payload.put("budget_usd", budget);
        payload.put(
                "raised_at",
                alert.get("raised_at") instanceof OffsetDateTime at
                        ? at.toInstant().toString()
                        : String.valueOf(alert.get("raised_at")));
        return payload;
    }

    public void delivered(@Variable(JobVariables.ALERT_ID) long id) {
        jdbc.update(SqlStatements.load("cost/mark-alert-delivered.sql"), new MapSqlParameterSource("id", id));
    }

    public void failed(@Variable(JobVariables.ALERT_ID) long id, Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String error = failure == null ? "unknown" : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        String redacted = redactor.redact(error);
        jdbc.update(
                SqlStatements.load("cost/mark-alert-failed.sql"),
                new MapSqlParameterSource().addValue("id", id).addValue("error", redacted));
        LOG.warn("budget alert {} not delivered, tried again in {} s: {}", id, retrySeconds, redacted);
    }
}
