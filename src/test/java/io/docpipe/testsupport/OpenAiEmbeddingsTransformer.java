package io.docpipe.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.docpipe.chunk.TokenCounter;
import io.docpipe.embed.MockEmbedder;

/**
 * Answers {@code POST /v1/embeddings} the way OpenAI does: Bearer auth ({@code invalid_api_key}), the real input
 * validation (empty input, more than 2048 inputs, an input over 8192 tokens, over 300,000 tokens in all), one
 * deterministic unit vector per input in {@code index} order with the requested dimensions, exact cl100k_base
 * {@code usage}, and the rate-limit headers.
 */
public class OpenAiEmbeddingsTransformer implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "openai-embeddings";

    private final ObjectMapper json = new ObjectMapper();
    private final TokenCounter tokens = new TokenCounter();
    private final String apiKey;

    public OpenAiEmbeddingsTransformer(String apiKey) {
        this.apiKey = apiKey;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        try {
            if (!("Bearer " + apiKey).equals(serveEvent.getRequest().getHeader("Authorization"))) {
                return error(401, "invalid_request_error", "invalid_api_key",
                        "Incorrect API key provided: sk-wr****. You can find your API key at https://platform.openai.com/account/api-keys.");
            }
            JsonNode request = json.readTree(serveEvent.getRequest().getBodyAsString());
            List<String> inputs = new ArrayList<>();
            JsonNode input = request.path("input");
            if (input.isTextual()) {
                inputs.add(input.asText());
            } else {
                input.forEach(item -> inputs.add(item.asText()));
            }
            if (inputs.isEmpty() || inputs.stream().anyMatch(String::isEmpty)) {
                return error(400, "invalid_request_error", null, "'$.input' is invalid. Please check the API reference.");
            }
            if (inputs.size() > 2048) {
                return error(400, "invalid_request_error", null, "'$.input' must have at most 2048 items.");
            }
            int total = 0;
            for (String text : inputs) {
                int count = tokens.count(text);
                if (count > 8192) {
                    return error(400, "invalid_request_error", null, "This model's maximum context length is 8192 tokens, however you requested "
                            + count + " tokens.");
                }
                total += count;
            }
            if (total > 300_000) {
                return error(400, "max_tokens_per_request", "max_tokens_per_request",
                        "Requested " + total + " tokens, max 300000 tokens per request");
            }
            int dimensions = request.path("dimensions").asInt(1536);
            MockEmbedder embedder = new MockEmbedder(dimensions);
            List<Map<String, Object>> data = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                data.add(Map.of("object", "embedding", "index", i, "embedding", embedder.embed("openai:" + inputs.get(i))));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("object", "list");
            body.put("data", data);
            body.put("model", request.path("model").asText());
            body.put("usage", Map.of("prompt_tokens", total, "total_tokens", total));
            return ResponseDefinitionBuilder.responseDefinition().withStatus(200).withHeaders(rateLimitHeaders())
                    .withBody(json.writeValueAsString(body)).build();
        } catch (Exception e) {
            return error(500, "server_error", null, "The server had an error while processing your request.");
        }
    }

    private ResponseDefinition error(int status, String type, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", null);
        error.put("code", code);
        try {
            return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(json.writeValueAsString(Map.of("error", error))).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpHeaders rateLimitHeaders() {
        return new HttpHeaders(
                new HttpHeader("Content-Type", "application/json"),
                new HttpHeader("x-ratelimit-limit-requests", "3000"),
                new HttpHeader("x-ratelimit-remaining-requests", "2999"),
                new HttpHeader("x-ratelimit-reset-requests", "20ms"),
                new HttpHeader("x-ratelimit-limit-tokens", "1000000"),
                new HttpHeader("x-ratelimit-remaining-tokens", "999000"),
                new HttpHeader("x-ratelimit-reset-tokens", "60ms"),
                new HttpHeader("x-request-id", "req_" + UUID.randomUUID().toString().replace("-", "")));
    }
}
