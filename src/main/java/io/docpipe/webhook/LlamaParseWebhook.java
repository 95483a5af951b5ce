package io.docpipe.webhook;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.docpipe.api.ApiException;
import io.docpipe.api.ApiResponse;
import io.docpipe.db.SqlStatements;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStatus;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Reads a signed LlamaParse webhook delivery and matches it to a job. Three body shapes are accepted: the LlamaCloud
 * event envelope {@code {"event_id","event_type","timestamp","data":{"job_id"}}} (also when sent JSON-encoded as a
 * string), the legacy {@code {"txt","md","json","images"}} body (matched by the {@code correlation_id} of the
 * webhook URL), and {@code {"parse_job_id","correlation_id","status"}}. A delivery only ever triggers a look at
 * LlamaParse's own API; duplicates and deliveries for jobs already past {@code parse_queued} change nothing.
 */
public class LlamaParseWebhook {

    private static final Logger LOG = LoggerFactory.getLogger(LlamaParseWebhook.class);
    private static final Set<String> LEGACY_FIELDS = Set.of("txt", "md", "json", "images");
    private static final Set<String> NOT_FINISHED_EVENTS = Set.of("parse.pending", "parse.running");

    private final ObjectMapper json = new ObjectMapper();
    private final NamedParameterJdbcTemplate jdbc;

    public LlamaParseWebhook(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public WebhookDelivery identify(@Body byte[] body, @Header("correlation_id") String correlationIdParameter,
            @Header("X-Webhook-Event-ID") String eventIdHeader, @Header("X-Webhook-Event-Type") String eventTypeHeader) {
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
        ClaimedJob job = find(parseJobId, correlationId)
                .orElseThrow(() -> ApiException.notFound("unknown parse job"));
        MDC.put("correlation_id", job.correlationId());
        if (eventId != null && alreadyDelivered(eventId)) {
            LOG.info("webhook event {} for job {} was already processed", eventId, job.id());
            return new WebhookDelivery(job, eventId, eventType, false, "duplicate");
        }
        if (job.status() != JobStatus.PARSE_QUEUED || eventType != null && NOT_FINISHED_EVENTS.contains(eventType)) {
            LOG.info("webhook {} for job {} in {} changes nothing", eventType, job.id(), job.status());
            return new WebhookDelivery(job, eventId, eventType, false, "ignored");
        }
        LOG.info("webhook {} for job {}: asking LlamaParse for the result", eventType, job.id());
        return new WebhookDelivery(job, eventId, eventType, true, "processed");
    }

    /** Remembers the event id so a redelivery changes nothing, and answers the sender. */
    public ApiResponse acknowledge(@Body WebhookDelivery delivery) {
        if (delivery.eventId() != null && !"duplicate".equals(delivery.outcome())) {
            jdbc.update(SqlStatements.load("webhook/record-delivery.sql"), new MapSqlParameterSource()
                    .addValue("event_id", delivery.eventId())
                    .addValue("job_id", delivery.job().id())
                    .addValue("event_type", delivery.eventType()));
        }
        return ApiResponse.ok(Map.of("status", delivery.outcome()));
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

    private Optional<ClaimedJob> find(String parseJobId, String correlationId) {
        if (parseJobId != null) {
            return first(jdbc.query(SqlStatements.load("jobs/find-by-parse-job.sql"),
                    new MapSqlParameterSource("parse_job_id", parseJobId), (rs, n) -> job(rs)));
        }
        if (correlationId != null && !correlationId.isBlank()) {
            return first(jdbc.query(SqlStatements.load("jobs/find-by-correlation-id.sql"),
                    new MapSqlParameterSource("correlation_id", correlationId), (rs, n) -> job(rs)));
        }
        return Optional.empty();
    }

    private boolean alreadyDelivered(String eventId) {
        Integer count = jdbc.queryForObject(SqlStatements.load("webhook/find-delivery.sql"),
                new MapSqlParameterSource("event_id", eventId), Integer.class);
        return count != null && count > 0;
    }

    private static ClaimedJob job(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new ClaimedJob(rs.getObject("id", UUID.class), rs.getObject("document_id", UUID.class),
                rs.getString("correlation_id"), JobStatus.ofWireName(rs.getString("status")));
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.stream().findFirst();
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? Optional.empty() : Optional.of(value.asText());
    }
}
