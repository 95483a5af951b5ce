package io.docpipe.testsupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Local stand-ins for LlamaParse and OpenAI on one WireMock server, speaking their real wire formats: Bearer auth;
 * LlamaParse's both generations, v1 (upload, job status, Markdown result with {@code job_metadata}) and Parse v2
 * ({@link LlamaParseV2Transformer}: create with a configuration, the job's GET with its expanded pages and usage);
 * OpenAI embeddings computed per request ({@link OpenAiEmbeddingsTransformer}). The docpipe instance is pointed at
 * one generation ({@link #properties}); tests add failure stubs at a higher priority.
 */
public final class ProviderStandIns implements AutoCloseable {

    public static final String LLAMAPARSE_KEY = "llx-test-key-0123456789";
    public static final String OPENAI_KEY = "sk-test-key-0123456789";
    public static final String WEBHOOK_SECRET = "whsec-test-secret";
    public static final String PARSED_MARKDOWN =
            "# Parsed by LlamaParse\n\nLlamaParse read this document page by page.\n\n"
                    + "---\n\nThe second page has more text about vectors.";

    private final WireMockServer server;
    private final LlamaParseGeneration generation;

    private ProviderStandIns(WireMockServer server, LlamaParseGeneration generation) {
        this.server = server;
        this.generation = generation;
    }

    /** Stand-ins for docpipe's default LlamaParse generation, v2. */
    public static ProviderStandIns start() {
        return start(LlamaParseGeneration.V2);
    }

    /** Stand-ins for an instance that speaks {@code generation} to LlamaParse (both are served either way). */
    public static ProviderStandIns start(LlamaParseGeneration generation) {
        WireMockServer server = new WireMockServer(options()
                .dynamicPort()
                .extensions(new OpenAiEmbeddingsTransformer(OPENAI_KEY), new LlamaParseV2Transformer(LLAMAPARSE_KEY)));
        server.start();
        ProviderStandIns standIns = new ProviderStandIns(server, generation);
        standIns.stubHappyPaths();
        return standIns;
    }

    public LlamaParseGeneration generation() {
        return generation;
    }

    public WireMockServer server() {
        return server;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    /** Properties that point a docpipe instance at these stand-ins in the given modes, and at their generation. */
    public Map<String, String> properties(String llamaParseMode, String openAiMode) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("docpipe.llamaparse.mode", llamaParseMode);
        properties.put("docpipe.llamaparse.api-version", generation.apiVersion());
        properties.put("docpipe.openai.mode", openAiMode);
        properties.put("docpipe.llamaparse.api-key", LLAMAPARSE_KEY);
        properties.put("docpipe.llamaparse.base-url", baseUrl());
        properties.put("docpipe.llamaparse.webhook-secret", WEBHOOK_SECRET);
        properties.put("docpipe.openai.api-key", OPENAI_KEY);
        properties.put("docpipe.openai.base-url", baseUrl());
        properties.put("docpipe.llamaparse.response-timeout-ms", "2000");
        properties.put("docpipe.openai.response-timeout-ms", "2000");
        // retries come quickly in tests; providers' Retry-After still wins when longer
        properties.put("docpipe.retry.base-delay-ms", "50");
        properties.put("docpipe.retry.max-delay-ms", "400");
        return properties;
    }

    /**
     * As {@link #properties}, with a circuit that never opens, for tests of single error classes (resilience4j caps
     * the minimum number of calls at the window size, so both are raised).
     */
    public Map<String, String> propertiesWithClosedCircuit(String llamaParseMode, String openAiMode) {
        Map<String, String> properties = properties(llamaParseMode, openAiMode);
        properties.put("docpipe.circuit.minimum-calls", "1000");
        properties.put("docpipe.circuit.sliding-window-calls", "1000");
        return properties;
    }

    /** Restores the happy paths, dropping every failure stub a test added. */
    public void reset() {
        server.resetAll();
        stubHappyPaths();
    }

    /**
     * LlamaParse (v1) takes every upload, as parse job {@code parseJobId}, but answers only after {@code delayMs}: an
     * answer that comes after docpipe stopped waiting, or after a webhook overtook it, or a slow upload.
     */
    public void acceptUploadsSlowly(String parseJobId, int delayMs) {
        server.stubFor(post(urlPathEqualTo("/api/v1/parsing/upload"))
                .atPriority(1)
                .willReturn(jsonAnswer("{\"id\":\"" + parseJobId + "\",\"status\":\"PENDING\"}")
                        .withFixedDelay(delayMs)));
    }

    private void stubHappyPaths() {
        // LlamaParse v1: the upload, a job's status and its Markdown, for docpipe's key
        server.stubFor(withLlamaParseKey(post(urlPathEqualTo("/api/v1/parsing/upload")))
                .willReturn(jsonAnswer("{\"id\":\"{{randomValue type='UUID'}}\",\"status\":\"PENDING\","
                                + "\"error_code\":null,\"error_message\":null}")
                        .withTransformers("response-template")));
        server.stubFor(withLlamaParseKey(get(urlPathMatching("/api/v1/parsing/job/[^/]+")))
                .willReturn(jsonAnswer("{\"id\":\"{{request.pathSegments.[4]}}\",\"status\":\"SUCCESS\","
                                + "\"error_code\":null,\"error_message\":null}")
                        .withTransformers("response-template")));
        server.stubFor(withLlamaParseKey(get(urlPathMatching("/api/v1/parsing/job/[^/]+/result/markdown")))
                .willReturn(jsonAnswer("{\"markdown\":" + json(PARSED_MARKDOWN)
                        + ",\"job_metadata\":{\"credits_used\":6.0,\"job_credits_usage\":6,\"job_pages\":2,"
                        + "\"job_auto_mode_triggered_pages\":0,\"job_is_cache_hit\":false}}")));
        // anything else LlamaParse does not know, or a wrong key
        server.stubFor(any(urlPathMatching("/api/v1/parsing/.*"))
                .atPriority(20)
                .willReturn(aResponse()
                        .withStatus(401)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"detail\":\"Invalid authentication token\"}")));
        server.stubFor(any(urlPathMatching("/api/v2/parse.*"))
                .atPriority(10)
                .willReturn(aResponse().withTransformers(LlamaParseV2Transformer.NAME)));
        server.stubFor(post(urlPathEqualTo("/v1/embeddings"))
                .atPriority(10)
                .willReturn(aResponse().withTransformers(OpenAiEmbeddingsTransformer.NAME)));
    }

    private static MappingBuilder withLlamaParseKey(MappingBuilder request) {
        return request.atPriority(10).withHeader("Authorization", equalTo("Bearer " + LLAMAPARSE_KEY));
    }

    /** A 200 answer with a JSON body. */
    private static ResponseDefinitionBuilder jsonAnswer(String body) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }

    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    @Override
    public void close() {
        server.stop();
    }
}
