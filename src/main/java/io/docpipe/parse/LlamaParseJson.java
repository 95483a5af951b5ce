package io.docpipe.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.docpipe.provider.TransientProviderException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What both LlamaParse generations share: reading their JSON, and the webhook configuration docpipe registers. */
final class LlamaParseJson {

    /** The events that say a parse job ended; pending and running ones would only wake the fetch step for nothing. */
    static final List<String> WEBHOOK_EVENTS =
            List.of("parse.success", "parse.partial_success", "parse.error", "parse.cancelled");

    static final ObjectMapper JSON = new ObjectMapper();

    private LlamaParseJson() {}

    /** A 2xx body as a JSON object; anything else is a transient failure (the answer of a proxy, a cut body). */
    static JsonNode object(String body) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            if (node == null || !node.isObject()) {
                throw new TransientProviderException("LlamaParse answered something that is not a JSON object", null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new TransientProviderException("LlamaParse answered malformed JSON", null);
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * One {@code webhook_configurations} entry: LlamaCloud calls {@code webhookUrl?correlation_id=<id>} when the job
     * ends, signing each call with the secret ({@code LC-Signature}). The correlation id lets a delivery find its job
     * before the upload's answer is stored, or when that answer was lost.
     */
    static Map<String, Object> webhookConfiguration(String webhookUrl, String correlationId, String secret) {
        Map<String, Object> configuration = new LinkedHashMap<>();
        configuration.put("webhook_url", webhookUrl + "?correlation_id=" + encode(correlationId));
        configuration.put("webhook_events", WEBHOOK_EVENTS);
        configuration.put("webhook_output_format", "json");
        configuration.put("webhook_signing_secret", secret);
        return configuration;
    }

    /** The credits a {@code job_metadata} object reports ({@code credits_used}, else {@code job_credits_usage}). */
    static BigDecimal metadataCredits(JsonNode metadata) {
        for (String field : List.of("credits_used", "job_credits_usage", "credits")) {
            JsonNode credits = metadata.get(field);
            if (credits != null && credits.isNumber()) {
                return credits.decimalValue();
            }
        }
        return null;
    }

    /** The pages a {@code job_metadata} object reports ({@code job_pages}), or null. */
    static Integer metadataPages(JsonNode metadata) {
        JsonNode pages = metadata.get("job_pages");
        return pages != null && pages.canConvertToInt() && pages.isNumber() ? pages.asInt() : null;
    }
}
