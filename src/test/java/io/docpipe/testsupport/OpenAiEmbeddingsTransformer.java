package io.docpipe.testsupport;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

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
    private final TokenBucketLimit requestLimit;
    private final TokenBucketLimit tokenLimit;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger rateLimited = new AtomicInteger();

    /** Without limits: every answer carries the same generous rate-limit headers. */
    public OpenAiEmbeddingsTransformer(String apiKey) {
        this(apiKey, 0, 0);
    }

    /**
     * With OpenAI's limits enforced as buckets of a minute's worth: past them a 429 {@code rate_limit_exceeded}, and
     * every answer's {@code x-ratelimit-*} headers tell what is left.
     */
    public OpenAiEmbeddingsTransformer(String apiKey, long requestsPerMinute, long tokensPerMinute) {
        this.apiKey = apiKey;
        this.requestLimit = requestsPerMinute > 0 ? new TokenBucketLimit(requestsPerMinute) : null;
        this.tokenLimit = tokensPerMinute > 0 ? new TokenBucketLimit(tokensPerMinute) : null;
    }

    /** Requests received, 429s among them. */
    public int requests() {
        return requests.get();
    }

    public int rateLimited() {
        return rateLimited.get();
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
        requests.incrementAndGet();
        try {
            if (!("Bearer " + apiKey).equals(serveEvent.getRequest().getHeader("Authorization"))) {
                return error(
                        401,
                        "invalid_request_error",
                        "invalid_api_key",
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
                return error(
                        400, "invalid_request_error", null, "'$.input' is invalid. Please check the API reference.");
            }
            if (inputs.size() > 2048) {
                return error(400, "invalid_request_error", null, "'$.input' must have at most 2048 items.");
            }
            int total = 0;
            for (String text : inputs) {
                int count = tokens.count(text);
                if (count > 8192) {
                    return error(
                            400,
                            "invalid_request_error",
                            null,
                            "This model's maximum context length is 8192 tokens, however you requested " + count
                                    + " tokens.");
                }
                total += count;
            }
            if (total > 300_000) {
                return error(
                        400,
                        "max_tokens_per_request",
                        "max_tokens_per_request",
                        "Requested " + total + " tokens, max 300000 tokens per request");
            }
            if (requestLimit != null && !requestLimit.tryTake(1)) {
                return rateLimitedAnswer("requests", "RPM", requestLimit, 1);
            }
            if (tokenLimit != null && !tokenLimit.tryTake(total)) {
                return rateLimitedAnswer("tokens", "TPM", tokenLimit, total);
            }
            int dimensions = request.path("dimensions").asInt(1536);
            MockEmbedder embedder = new MockEmbedder(dimensions);
            List<Map<String, Object>> data = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                data.add(Map.of(
                        "object", "embedding", "index", i, "embedding", embedder.embed("openai:" + inputs.get(i))));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("object", "list");
            body.put("data", data);
            body.put("model", request.path("model").asText());
            body.put("usage", Map.of("prompt_tokens", total, "total_tokens", total));
            return ResponseDefinitionBuilder.responseDefinition()
                    .withStatus(200)
                    .withHeaders(rateLimitHeaders())
                    .withBody(json.writeValueAsString(body))
                    .build();
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
            return ResponseDefinitionBuilder.responseDefinition()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(json.writeValueAsString(Map.of("error", error)))
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private ResponseDefinition rateLimitedAnswer(String type, String unit, TokenBucketLimit limit, long wanted) {
        rateLimited.incrementAndGet();
        String wait = limit.until(wanted).toMillis() + "ms";
        Map<String, Object> error = new LinkedHashMap<>();
        error.put(
                "message",
                "Rate limit reached for text-embedding-3-small in organization org-standin on " + type
                        + " per min (" + unit + "): Limit " + limit.limit() + ", Remaining " + limit.remaining()
                        + ". Please try again in " + wait + ".");
        error.put("type", type);
        error.put("param", null);
        error.put("code", "rate_limit_exceeded");
        try {
            return ResponseDefinitionBuilder.responseDefinition()
                    .withStatus(429)
                    .withHeaders(rateLimitHeaders())
                    .withBody(json.writeValueAsString(Map.of("error", error)))
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpHeaders rateLimitHeaders() {
        if (requestLimit != null || tokenLimit != null) {
            List<HttpHeader> headers = new ArrayList<>(List.of(
                    new HttpHeader("Content-Type", "application/json"),
                    new HttpHeader(
                            "x-request-id",
                            "req_" + UUID.randomUUID().toString().replace("-", ""))));
            if (requestLimit != null) {
                headers.add(new HttpHeader("x-ratelimit-limit-requests", String.valueOf(requestLimit.limit())));
                headers.add(new HttpHeader("x-ratelimit-remaining-requests", String.valueOf(requestLimit.remaining())));
                headers.add(new HttpHeader("x-ratelimit-reset-requests", requestLimit.reset()));
            }
            if (tokenLimit != null) {
                headers.add(new HttpHeader("x-ratelimit-limit-tokens", String.valueOf(tokenLimit.limit())));
                headers.add(new HttpHeader("x-ratelimit-remaining-tokens", String.valueOf(tokenLimit.remaining())));
                headers.add(new HttpHeader("x-ratelimit-reset-tokens", tokenLimit.reset()));
            }
            return new HttpHeaders(headers);
        }
        return new HttpHeaders(
                new HttpHeader("Content-Type", "application/json"),
                new HttpHeader("x-ratelimit-limit-requests", "3000"),
                new HttpHeader("x-ratelimit-remaining-requests", "2999"),
                new HttpHeader("x-ratelimit-reset-requests", "20ms"),
                new HttpHeader("x-ratelimit-limit-tokens", "1000000"),
                new HttpHeader("x-ratelimit-remaining-tokens", "999000"),
                new HttpHeader("x-ratelimit-reset-tokens", "60ms"),
                new HttpHeader(
                        "x-request-id", "req_" + UUID.randomUUID().toString().replace("-", "")));
    }
}
