package io.docpipe.parse;

import java.io.File;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.docpipe.provider.ProviderHttp;
import io.docpipe.provider.ProviderHttp.ProviderError;
import io.docpipe.provider.ProviderRequest;
import io.docpipe.provider.TransientProviderException;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;

/**
 * LlamaParse v1's wire format: the multipart upload that starts a parse job (with the signed webhook to call when
 * it ends), the job status, the Markdown result with its {@code job_metadata}, and its FastAPI-style errors.
 */
public class LlamaParseApi {

    /** The endpoint class of uploads: LlamaParse limits them per organization (50 per 10 s). */
    public static final String UPLOADS = "uploads";
    /** The endpoint class of status and result reads, limited apart from uploads. */
    public static final String READS = "reads";

    /** Answers that end a request for good; 429, 5xx and anything else may pass. */
    static final Set<Integer> PERMANENT_STATUSES = Set.of(400, 401, 402, 403, 404, 413, 415, 422);

    private static final List<String> WEBHOOK_EVENTS = List.of("parse.success", "parse.partial_success", "parse.error",
            "parse.cancelled");

    private final ObjectMapper json = new ObjectMapper();
    private final String webhookUrl;
    private final String webhookSecret;

    /**
     * @param webhookUrl    where LlamaCloud should call back, or blank to rely on polling only
     * @param webhookSecret the HMAC key LlamaCloud signs deliveries with ({@code LC-Signature})
     */
    public LlamaParseApi(String webhookUrl, String webhookSecret) {
        this.webhookUrl = webhookUrl;
        this.webhookSecret = webhookSecret;
    }

    public ProviderRequest upload(File file, String filename, String mediaType, String correlationId) {
        MultipartEntityBuilder form = MultipartEntityBuilder.create()
                .addBinaryBody("file", file, ContentType.create(mediaType), filename);
        if (!webhookUrl.isBlank()) {
            form.addTextBody("webhook_configurations", webhookConfigurations(correlationId), ContentType.APPLICATION_JSON);
        }
        HttpEntity entity = form.build();
        return new ProviderRequest("POST", "/api/v1/parsing/upload", entity.getContentType(), entity, UPLOADS, 0,
                this::readJobId);
    }

    public ProviderRequest status(String parseJobId) {
        return ProviderRequest.get("/api/v1/parsing/job/" + encode(parseJobId), READS, this::readStatus);
    }

    public ProviderRequest markdownResult(String parseJobId) {
        return ProviderRequest.get("/api/v1/parsing/job/" + encode(parseJobId) + "/result/markdown", READS,
                this::readMarkdownResult);
    }

    /** The job id of an upload's {@code {"id","status"}} answer. */
    public String readJobId(String body) {
        String id = read(body).path("id").asText("");
        if (id.isBlank()) {
            throw new TransientProviderException("LlamaParse upload answer has no job id", null);
        }
        return id;
    }

    public ParseJobStatus readStatus(String body) {
        JsonNode node = read(body);
        String status = node.path("status").asText("");
        if (status.isBlank()) {
            throw new TransientProviderException("LlamaParse status answer has no status", null);
        }
        return new ParseJobStatus(status, text(node, "error_code"), text(node, "error_message"));
    }

    public ParseResult readMarkdownResult(String body) {
        JsonNode node = read(body);
        JsonNode markdown = node.get("markdown");
        if (markdown == null || !markdown.isTextual()) {
            throw new TransientProviderException("LlamaParse result has no markdown", null);
        }
        JsonNode metadata = node.path("job_metadata");
        Integer pages = metadata.hasNonNull("job_pages") ? metadata.get("job_pages").asInt() : null;
        JsonNode credits = metadata.hasNonNull("credits_used") ? metadata.get("credits_used") : metadata.get("job_credits_usage");
        return new ParseResult(markdown.asText(), pages, credits == null || credits.isNull() ? null : credits.decimalValue());
    }

    public static ProviderHttp.ErrorPolicy errorPolicy() {
        ObjectMapper mapper = new ObjectMapper();
        return new ProviderHttp.ErrorPolicy() {
            @Override
            public ProviderError read(int status, String body) {
                String message;
                try {
                    JsonNode detail = mapper.readTree(body).path("detail");
                    message = detail.isTextual() ? detail.asText() : detail.isMissingNode() ? body : detail.toString();
                } catch (JsonProcessingException e) {
                    message = body;
                }
                return new ProviderError("http_" + status, abbreviate(message));
            }

            @Override
            public boolean isPermanent(int status, ProviderError error) {
                return PERMANENT_STATUSES.contains(status);
            }
        };
    }

    private String webhookConfigurations(String correlationId) {
        String url = webhookUrl + "?correlation_id=" + encode(correlationId);
        Map<String, Object> configuration = Map.of(
                "webhook_url", url,
                "webhook_events", WEBHOOK_EVENTS,
                "webhook_output_format", "json",
                "webhook_signing_secret", webhookSecret);
        try {
            return json.writeValueAsString(List.of(configuration));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode read(String body) {
        try {
            JsonNode node = json.readTree(body == null ? "" : body);
            if (node == null || !node.isObject()) {
                throw new TransientProviderException("LlamaParse answered something that is not a JSON object", null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new TransientProviderException("LlamaParse answered malformed JSON", null);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String abbreviate(String message) {
        return message == null || message.length() <= 300 ? message : message.substring(0, 300) + "…";
    }

    /** A parse job's state on LlamaParse. */
    public record ParseJobStatus(String status, String errorCode, String errorMessage) {

        public boolean succeeded() {
            return "SUCCESS".equals(status) || "PARTIAL_SUCCESS".equals(status);
        }

        public boolean pending() {
            return "PENDING".equals(status) || "RUNNING".equals(status);
        }
    }

    /** The Markdown of a finished parse job with what LlamaParse reports it cost. */
    public record ParseResult(String markdown, Integer pages, BigDecimal credits) {
    }
}
