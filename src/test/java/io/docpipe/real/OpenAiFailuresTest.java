package io.docpipe.real;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** OpenAI's error classes: permanent answers fail the job, server errors are retried, rate limits are waited out. */
class OpenAiFailuresTest {

    private static ProviderStandIns providers;
    private static RunningDocpipe app;

    @BeforeAll
    static void start() {
        providers = ProviderStandIns.start();
        app = RunningDocpipe.start(providers.propertiesWithClosedCircuit("mock", "real"));
    }

    @AfterAll
    static void stop() {
        app.close();
        providers.close();
    }

    @BeforeEach
    void resetStandIns() {
        providers.reset();
    }

    static Stream<Arguments> permanentFailures() {
        return Stream.of(
                Arguments.of(
                        "insufficient_quota",
                        error(
                                429,
                                "insufficient_quota",
                                "insufficient_quota",
                                "You exceeded your current quota, please check your plan and billing details.")),
                Arguments.of(
                        "invalid_api_key",
                        error(
                                401,
                                "invalid_request_error",
                                "invalid_api_key",
                                "Incorrect API key provided: sk-abc123****wxyz. You can find your API key at https://platform.openai.com/account/api-keys.")),
                Arguments.of("bad request", error(400, "invalid_request_error", null, "'$.input' is invalid.")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("permanentFailures")
    void should_fail_the_job_without_retrying_a_permanent_error(String code, ResponseDefinitionBuilder failure) {
        providers
                .server()
                .stubFor(post(urlPathEqualTo("/v1/embeddings")).atPriority(1).willReturn(failure));

        JsonNode job = app.awaitJobStatus(upload(), "failed_embedding", Duration.ofSeconds(30));

        assertThat(job.path("attempts").asInt()).isEqualTo(1);
        assertThat(job.path("last_error").asText())
                .contains(code.equals("bad request") ? "HTTP 400" : code)
                .doesNotContain("sk-abc123");
        assertThat(providers.server().findAll(postRequestedFor(urlPathEqualTo("/v1/embeddings"))))
                .hasSize(1);
    }

    static Stream<Arguments> transientFailures() {
        return Stream.of(
                Arguments.of(
                        "500",
                        error(500, "server_error", null, "The server had an error while processing your request.")),
                Arguments.of(
                        "503 overloaded",
                        error(503, "server_error", "server_is_overloaded", "That model is currently overloaded.")),
                Arguments.of("malformed body", aResponse().withStatus(200).withBody("{\"object\":\"list\",\"data\":")),
                Arguments.of(
                        "wrong dimensions",
                        aResponse()
                                .withStatus(200)
                                .withHeader("Content-Type", "application/json")
                                .withBody(
                                        "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,0.2]}],"
                                                + "\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transientFailures")
    void should_retry_a_transient_error_and_complete(String name, ResponseDefinitionBuilder failure) {
        providers
                .server()
                .stubFor(post(urlPathEqualTo("/v1/embeddings"))
                        .atPriority(1)
                        .inScenario(name)
                        .whenScenarioStateIs(STARTED)
                        .willSetStateTo("recovered")
                        .willReturn(failure));

        JsonNode job = app.awaitJobStatus(upload(), "complete", Duration.ofSeconds(30));

        // failed_embedding with a next attempt, then back to the queue by the retry sweep
        assertThat(job.path("attempts").asInt()).isEqualTo(1);
        assertThat(job.path("events").findValuesAsText("to_status"))
                .containsSubsequence("embedding_in_progress", "failed_embedding", "embedding_queued", "complete");
        assertThat(job.path("events").findValuesAsText("detail"))
                .anyMatch(d -> d.startsWith("attempt 1 of 5 failed: "));
    }

    @Test
    void should_wait_out_a_burst_of_rate_limits_honouring_retry_after_ms() {
        for (int i = 0; i < 3; i++) {
            providers
                    .server()
                    .stubFor(post(urlPathEqualTo("/v1/embeddings"))
                            .atPriority(1)
                            .inScenario("burst")
                            .whenScenarioStateIs(i == 0 ? STARTED : "after-" + i)
                            .willSetStateTo("after-" + (i + 1))
                            .willReturn(error(
                                            429,
                                            "tokens",
                                            "rate_limit_exceeded",
                                            "Rate limit reached for text-embedding-3-small on tokens per min (TPM). Please try again in 150ms.")
                                    .withHeader("retry-after-ms", "150")));
        }

        JsonNode job = app.awaitJobStatus(upload(), "complete", Duration.ofSeconds(30));

        // a rate limit is not a failure: no attempt spent, and each request came after the 150 ms asked for
        assertThat(job.path("attempts").asInt()).isZero();
        assertThat(job.path("events").findValuesAsText("to_status")).doesNotContain("failed_embedding");
        List<LoggedRequest> requests = providers.server().findAll(postRequestedFor(urlPathEqualTo("/v1/embeddings")));
        assertThat(requests).hasSize(4);
        for (int i = 1; i < requests.size(); i++) {
            assertThat(Duration.between(
                            requests.get(i - 1).getLoggedDate().toInstant(),
                            requests.get(i).getLoggedDate().toInstant()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(150));
        }
        JsonNode chunks = app.get("/api/v1/documents/" + job.path("document_id").asText() + "/chunks")
                .json()
                .path("chunks");
        assertThat(chunks.findValuesAsText("provider")).containsOnly("openai");
    }

    private static ResponseDefinitionBuilder error(int status, String type, String code, String message) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type
                        + "\",\"param\":null,\"code\":" + (code == null ? "null" : "\"" + code + "\"") + "}}");
    }

    private static String upload() {
        byte[] text = ("Embed me with OpenAI " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        return app.upload("doc.txt", text).json().path("job_id").asText();
    }
}
