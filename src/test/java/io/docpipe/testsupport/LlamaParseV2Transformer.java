package io.docpipe.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers LlamaParse Parse v2 the way the reference describes it (llamaparse-v2.md §1b.8): Bearer auth (401),
 * {@code POST /api/v2/parse/upload} with a {@code file} and a {@code configuration} that names a known
 * {@code tier} and a {@code version} (422 {@code detail} otherwise) answered with the flat PENDING job, and
 * {@code GET /api/v2/parse/{id}} answered with the job COMPLETED and what its {@code expand} asks for (repeated or
 * comma-separated): the two {@link LlamaParseV2Wire#standardPages() standard pages}, credits at the tier's rate.
 * A job it did not create (a test's own stub did) is answered as a cost_effective one.
 */
public class LlamaParseV2Transformer implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "llamaparse-v2";

    private final String bearer;
    private final Map<String, String> tiers = new ConcurrentHashMap<>();

    public LlamaParseV2Transformer(String apiKey) {
        this.bearer = "Bearer " + apiKey;
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
    public ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        if (!bearer.equals(request.getHeader("Authorization"))) {
            return answer(401, "{\"detail\":\"Invalid authentication token\"}");
        }
        String path = request.getUrl().replaceAll("\\?.*", "");
        if (request.getMethod().getName().equals("POST") && path.equals("/api/v2/parse/upload")) {
            return create(request);
        }
        if (request.getMethod().getName().equals("GET") && path.matches("/api/v2/parse/[^/]+")) {
            String id = path.substring("/api/v2/parse/".length());
            return answer(
                    200,
                    LlamaParseV2Wire.get(
                            id,
                            "COMPLETED",
                            tiers.getOrDefault(id, "cost_effective"),
                            null,
                            LlamaParseV2Wire.standardPages(),
                            LlamaParseV2Wire.expand(request)));
        }
        return answer(404, "{\"detail\":\"Not Found\"}");
    }

    private ResponseDefinition create(Request request) {
        if (request.getPart("file") == null) {
            return answer(422, LlamaParseV2Wire.missingField("file"));
        }
        JsonNode configuration = LlamaParseV2Wire.configuration(request);
        if (configuration == null
                || !LlamaParseV2Wire.CREDITS_PER_PAGE.containsKey(
                        configuration.path("tier").asText())) {
            return answer(422, LlamaParseV2Wire.missingField("tier"));
        }
        if (configuration.path("version").asText().isBlank()) {
            return answer(422, LlamaParseV2Wire.missingField("version"));
        }
        String id = "pjb-" + UUID.randomUUID();
        tiers.put(id, configuration.path("tier").asText());
        return answer(
                200, LlamaParseV2Wire.created(id, configuration.path("tier").asText()));
    }

    private static ResponseDefinition answer(int status, String body) {
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body)
                .build();
    }
}
