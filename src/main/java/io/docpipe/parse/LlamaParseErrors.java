package io.docpipe.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.provider.ProviderHttp;
import io.docpipe.provider.ProviderHttp.ProviderError;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * LlamaParse's error answers, the same for both generations: FastAPI bodies {@code {"detail": …}} (a message, or a
 * list of validation errors). 400, 401, 402, 403, 404, 410, 413, 415 and 422 are definitive; 429 is a rate limit;
 * anything else may pass. A 410 says LlamaParse retired something docpipe asked for: its message names that option.
 */
final class LlamaParseErrors implements ProviderHttp.ErrorPolicy {

    static final Set<Integer> PERMANENT_STATUSES = Set.of(400, 401, 402, 403, 404, 410, 413, 415, 422);
    static final int GONE = 410;

    private final UnaryOperator<String> retiredOption;

    /** @param retiredOption from LlamaParse's 410 message, the setting of docpipe's it retired (to name in the error) */
    LlamaParseErrors(UnaryOperator<String> retiredOption) {
        this.retiredOption = retiredOption;
    }

    @Override
    public ProviderError read(int status, String body) {
        String message;
        try {
            JsonNode detail = LlamaParseJson.JSON.readTree(body).path("detail");
            message = detail.isTextual() ? detail.asText() : detail.isMissingNode() ? body : detail.toString();
        } catch (JsonProcessingException e) {
            message = body;
        }
        if (status == GONE) {
            message = "LlamaParse retired " + retiredOption.apply(message == null ? "" : message) + ": " + message;
        }
        return new ProviderError("http_" + status, LlamaParseApi.abbreviate(message));
    }

    @Override
    public boolean isPermanent(int status, ProviderError error) {
        return PERMANENT_STATUSES.contains(status);
    }
}
