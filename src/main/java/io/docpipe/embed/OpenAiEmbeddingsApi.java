package io.docpipe.embed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.docpipe.provider.ProviderHttp;
import io.docpipe.provider.ProviderHttp.ProviderError;
import io.docpipe.provider.ProviderRequest;
import io.docpipe.provider.TransientProviderException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Body;

/**
 * OpenAI's {@code POST /v1/embeddings} wire format: the request for one batch, and the answer, put back in input
 * order by {@code index} and validated (one vector per input, the expected dimensions, only finite numbers) before
 * anything is stored.
 */
public class OpenAiEmbeddingsApi {

    public static final String PROVIDER = "openai";
    /** The endpoint class of embeddings requests, limited in requests and tokens per minute. */
    public static final String EMBEDDINGS = "embeddings";

    private static final Set<Integer> PERMANENT_STATUSES = Set.of(400, 401, 403, 404);

    private final ObjectMapper json = new ObjectMapper();
    private final String model;
    private final int dimensions;

    public OpenAiEmbeddingsApi(String model, int dimensions) {
        this.model = model;
        this.dimensions = dimensions;
    }

    /** The request for one batch; its answer is read into an {@link EmbeddedBatch} for that batch. */
    public ProviderRequest request(@Body PendingBatch batch) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("input", batch.texts());
        body.put("encoding_format", "float");
        if (model.startsWith("text-embedding-3")) {
            body.put("dimensions", dimensions); // ada-002 refuses the parameter
        }
        try {
            return new ProviderRequest(
                    "POST",
                    "/v1/embeddings",
                    "application/json",
                    json.writeValueAsString(body),
                    EMBEDDINGS,
                    batch.tokenCount(),
                    answer -> read(batch, answer));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The batch's vectors from a 2xx answer, checked before anything is stored. */
    EmbeddedBatch read(PendingBatch batch, String body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new TransientProviderException("OpenAI answered malformed JSON", null);
        }
        JsonNode data = root == null ? null : root.get("data");
        int expected = batch.texts().size();
        if (data == null || !data.isArray() || data.size() != expected) {
            throw new TransientProviderException(
                    "OpenAI answered " + (data == null || !data.isArray() ? "no" : data.size()) + " embeddings for "
                            + expected + " inputs",
                    null);
        }
        float[][] vectors = new float[expected][];
        for (JsonNode item : data) {
            int index = item.path("index").asInt(-1);
            if (index < 0 || index >= expected || vectors[index] != null) {
                throw new TransientProviderException("OpenAI answered an embedding with index " + index, null);
            }
            vectors[index] = vector(item.path("embedding"), index);
        }
        String answeredModel = root.path("model").asText(model);
        long tokens = root.path("usage").path("total_tokens").asLong(batch.tokenCount());
        return new EmbeddedBatch(batch, new ArrayList<>(List.of(vectors)), PROVIDER, answeredModel, false, tokens);
    }

    private float[] vector(JsonNode embedding, int index) {
        if (!embedding.isArray() || embedding.size() != dimensions) {
            throw new TransientProviderException(
                    "OpenAI embedding " + index + " has " + (embedding.isArray() ? embedding.size() : 0)
                            + " dimensions, expected " + dimensions,
                    null);
        }
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            JsonNode value = embedding.get(i);
            float x = value.isNumber() ? value.floatValue() : Float.NaN;
            if (!Float.isFinite(x)) {
                throw new TransientProviderException(
                        "OpenAI embedding " + index + " holds a value that is not a finite number", null);
            }
            vector[i] = x;
        }
        return vector;
    }

    public static ProviderHttp.ErrorPolicy errorPolicy() {
        ObjectMapper mapper = new ObjectMapper();
        return new ProviderHttp.ErrorPolicy() {
            @Override
            public ProviderError read(int status, String body) {
                try {
                    JsonNode error = mapper.readTree(body).path("error");
                    String code = error.hasNonNull("code")
                            ? error.get("code").asText()
                            : error.path("type").asText("http_" + status);
                    return new ProviderError(code, error.path("message").asText(null));
                } catch (JsonProcessingException e) {
                    return new ProviderError("http_" + status, null);
                }
            }

            @Override
            public boolean isPermanent(int status, ProviderError error) {
                // a 429 is a rate limit to wait out, unless the account has no quota left at all
                return PERMANENT_STATUSES.contains(status)
                        || status == 429 && "insufficient_quota".equals(error.code());
            }
        };
    }
}
