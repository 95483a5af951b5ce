package io.docpipe.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.docpipe.db.SafeText;
import io.docpipe.db.SqlStatements;
import io.docpipe.http.ApiException;
import io.docpipe.http.ApiResponse;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.CorrelationContext;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads a signed LlamaParse webhook delivery, matches it to a job and records it; nothing else. Three body shapes
 * are accepted: the LlamaCloud event envelope {@code {"event_id","event_type","timestamp","data":{"job_id"}}} (also
 * when sent JSON-encoded as a string), the legacy {@code {"txt","md","json","images"}} body, and
 * {@code {"parse_job_id","correlation_id","status"}}. A job is found by its LlamaParse job id, else by the
 * {@code correlation_id} of the webhook URL docpipe registered: so a delivery that overtakes the upload's answer
 * (the LlamaParse job id is not stored yet) still finds its job, and one for a LlamaParse job whose upload answer
 * was lost altogether adopts it. Recording is one transaction: the delivery's event id (a repeat is a duplicate) and
 * the job's result marked ready. The fetch stage then asks LlamaParse's own API how
 * the job ended: a payload's claims are never trusted, and the sender gets its answer without waiting for that.
 */
public class LlamaParseWebhook {

    private static final Logger LOG = LoggerFactory.getLogger(LlamaParseWebhook.class);
    private static final Set<String> LEGACY_FIELDS = Set.of("txt", "md", "json", "images");
    private static final Set<String> NOT_FINISHED_EVENTS = Set.of("parse.pending", "parse.running");
    /** Ids docpipe and LlamaParse make are UUIDs; anything much longer or stranger names no job. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private static final int MAX_TEXT_CHARS = 200;

    private final ObjectMapper json = new ObjectMapper();
    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final JobStateMachine jobs;

    public LlamaParseWebhook(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, JobStateMachine jobs) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.jobs = jobs;
    }

    /** The delivery's job and event; 400 for a body of no accepted shape, 404 when it names no job. */
    public WebhookDelivery read(
            @Body byte[] body,
            @Header("correlation_id") String correlationIdParameter,
            @Header("X-Webhook-Event-ID") String eventIdHeader,
            @Header("X-Webhook-Event-Type") String eventTypeHeader) {
        JsonNode root = parse(body);
        String parseJobId;
        String eventId = eventIdHeader;
        String eventType = eventTypeHeader;
        String correlationId = correlationIdParameter;
        if (root.has("data") && (root.has("event_id") || root.has("event_type"))) {
            JsonNode data = root.path("data");
            parseJobId = text(data, "job_id").or(() -> text(data, "id")).orElse(null);
            eventId = text(root, "event_id").orElse(eventId);
            eventType = text(root, "event_type").orElse(eventType);
        } else if (root.has("parse_job_id")) {
            parseJobId = text(root, "parse_job_id").orElse(null);
            correlationId = text(root, "correlation_id").orElse(correlationId);
        } else if (LEGACY_FIELDS.stream().anyMatch(root::has)) {
            parseJobId = null;
        } else {
            throw ApiException.badRequest("the webhook body has none of the accepted shapes");
        }
        String named = id(parseJobId);
        String correlation = id(correlationId);
        Optional<ClaimedJob> byParseJob = named == null
                ? Optional.empty()
                : first(jdbc.query(
                        SqlStatements.load("jobs/find-by-parse-job.sql"),
                        new MapSqlParameterSource("parse_job_id", named),
                        (rs, n) -> job(rs)));
        ClaimedJob job = byParseJob
                .or(() -> byCorrelationId(correlation))
                .orElseThrow(() -> ApiException.notFound("unknown parse job"));
        CorrelationContext.enter(job);
        String type = SafeText.line(eventType, MAX_TEXT_CHARS);
        return new WebhookDelivery(
                job,
                SafeText.line(eventId, MAX_TEXT_CHARS),
                type,
                named,
                type == null || !NOT_FINISHED_EVENTS.contains(type),
                byParseJob.isEmpty() && named != null);
    }

    /**
     * Records the delivery and marks the job's result ready to fetch, in one transaction, and answers the sender:
     * {@code processed}, {@code duplicate} (this event id was recorded before) or {@code ignored} (an event that
     * says the parse has not ended, or a job no longer waiting for its parse).
     */
    public ApiResponse record(@Body WebhookDelivery delivery) {
        String outcome = tx.execute(status -> {
            if (delivery.eventId() != null
                    && jdbc.queryForList(
                                    SqlStatements.load("webhook/record-delivery.sql"),
                                    new MapSqlParameterSource()
                                            .addValue("event_id", delivery.eventId())
                                            .addValue("job_id", delivery.job().id())
                                            .addValue("event_type", delivery.eventType())
                                            .addValue("parse_job_id", delivery.parseJobId()),
                                    String.class)
                            .isEmpty()) {
                return "duplicate";
            }
            if (!delivery.finished()) {
                return "ignored";
            }
            if (delivery.unknownParseJob() && adopt(delivery)) {
                return "processed";
            }
            return jdbc.update(
                                    SqlStatements.load("webhook/mark-result-ready.sql"),
                                    new MapSqlParameterSource(
                                            "job_id", delivery.job().id()))
                            == 1
                    ? "processed"
                    : "ignored";
        });
        LOG.info(
                "webhook {} {} for job {}: {}",
                delivery.eventType(),
                delivery.eventId(),
                delivery.job().id(),
                outcome);
        return ApiResponse.ok(Map.of("status", outcome));
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode root = json.readTree(body);
            if (root != null && root.isTextual()) {
                root = json.readTree(root.asText()); // webhook_output_format "string": the payload is JSON in a string
            }
            if (root == null || !root.isObject()) {
                throw ApiException.badRequest("the webhook body must be a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the webhook body is not valid JSON");
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("the webhook body could not be read");
        }
    }

    /**
     * A delivery naming a LlamaParse job docpipe does not know, for a job with none recorded and no worker on it: an
     * upload whose answer was lost (a timeout, a cut connection) created it. It is adopted instead of uploading the
     * document again, and its result is read.
     */
    private boolean adopt(WebhookDelivery delivery) {
        List<String> adopted = jdbc.queryForList(
                SqlStatements.load("webhook/adopt-parse-job.sql"),
                new MapSqlParameterSource()
                        .addValue("job_id", delivery.job().id())
                        .addValue("parse_job_id", delivery.parseJobId()),
                String.class);
        if (adopted.isEmpty()) {
            return false;
        }
        String detail =
                "adopted LlamaParse job " + delivery.parseJobId() + " from its webhook (its upload's answer was lost)";
        if (JobStatus.ofWireName(adopted.get(0)) == JobStatus.UPLOADED) {
            jobs.handOff(delivery.job(), JobStatus.UPLOADED, JobStatus.PARSE_QUEUED, detail);
        } else {
            jobs.note(delivery.job().id(), detail);
        }
        return true;
    }

    private Optional<ClaimedJob> byCorrelationId(String correlationId) {
        return correlationId == null
                ? Optional.empty()
                : first(jdbc.query(
                        SqlStatements.load("jobs/find-by-correlation-id.sql"),
                        new MapSqlParameterSource("correlation_id", correlationId),
                        (rs, n) -> job(rs)));
    }

    /** An id as given, or null when it cannot be one (too long, control characters, spaces). */
    private static String id(String value) {
        return value != null && ID.matcher(value).matches() ? value : null;
    }

    private static ClaimedJob job(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new ClaimedJob(
                rs.getObject("id", UUID.class),
                rs.getObject("document_id", UUID.class),
                rs.getString("correlation_id"),
                JobStatus.ofWireName(rs.getString("status")));
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.stream().findFirst();
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank()
                ? Optional.empty()
                : Optional.of(value.asText());
    }
}
