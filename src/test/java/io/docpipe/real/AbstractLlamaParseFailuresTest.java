package io.docpipe.real;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.docpipe.real.LlamaParseWebhooks.envelope;
import static io.docpipe.real.LlamaParseWebhooks.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.docpipe.testsupport.LlamaParseGeneration;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LlamaParse's error classes, the same in both API generations: permanent answers fail the job with the provider's
 * words, transient ones are retried with backoff, and rate limits are waited out. {@link LlamaParseFailuresTest}
 * runs them on v1, {@link LlamaParseV2FailuresTest} on v2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractLlamaParseFailuresTest {

    private ProviderStandIns providers;
    private RunningDocpipe app;

    /** The generation docpipe speaks to LlamaParse in this run. */
    abstract LlamaParseGeneration generation();

    /** A 410 as LlamaParse would send it about an option docpipe sends in this generation. */
    abstract String retiredOptionDetail();

    /** How docpipe names the option of {@link #retiredOptionDetail()} in the job's error. */
    abstract String retiredOptionNamed();

    @BeforeAll
    void start() {
        providers = ProviderStandIns.start(generation());
        app = RunningDocpipe.start(providers.propertiesWithClosedCircuit("real", "mock"));
    }

    @AfterAll
    void stop() {
        app.close();
        providers.close();
    }

    @BeforeEach
    void resetStandIns() {
        providers.reset();
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {401, 402, 403, 404, 413, 422})
    void should_fail_the_job_on_a_permanent_upload_error(int status) {
        providers
                .server()
                .stubFor(post(urlPathEqualTo(generation().uploadPath()))
                        .atPriority(1)
                        .willReturn(aResponse()
                                .withStatus(status)
                                .withHeader("Content-Type", "application/json")
                                .withBody("{\"detail\":\"refused with " + status + "\"}")));

        JsonNode job = app.awaitJobStatus(upload(), "failed_parse", Duration.ofSeconds(20));

        assertThat(job.path("last_error").asText()).contains("HTTP " + status).contains("refused with " + status);
        assertThat(job.path("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void should_fail_the_job_for_good_on_410_naming_the_retired_option() {
        providers
                .server()
                .stubFor(post(urlPathEqualTo(generation().uploadPath()))
                        .atPriority(1)
                        .willReturn(aResponse()
                                .withStatus(410)
                                .withHeader("Content-Type", "application/json")
                                .withBody("{\"detail\":\"" + retiredOptionDetail() + "\"}")));

        JsonNode job = app.awaitJobStatus(upload(), "failed_parse", Duration.ofSeconds(20));

        assertThat(job.path("dead").asBoolean()).isTrue();
        assertThat(job.path("last_error").asText())
                .contains("HTTP 410")
                .contains(retiredOptionNamed())
                .contains(retiredOptionDetail());
        assertThat(job.path("last_error").asText())
                .doesNotContain(ProviderStandIns.LLAMAPARSE_KEY)
                .doesNotContain(ProviderStandIns.WEBHOOK_SECRET);
    }

    Stream<String> badEndings() {
        return generation().badEndings().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEndings")
    void should_fail_the_job_when_llamaparse_says_the_parse_job_ended_badly(String status) {
        String jobId = upload();
        app.awaitJobStatus(jobId, "parse_queued", Duration.ofSeconds(20));
        String parseJobId =
                app.sql().queryForObject("SELECT parse_job_id FROM jobs WHERE id = ?::uuid", String.class, jobId);
        providers
                .server()
                .stubFor(get(urlPathEqualTo(generation().jobPath(parseJobId)))
                        .atPriority(1)
                        .willReturn(aResponse()
                                .withStatus(200)
                                .withHeader("Content-Type", "application/json")
                                .withBody(generation().endedAnswer(parseJobId, status, "nothing to parse"))));

        // the envelope claims success; LlamaParse's own API is what counts
        LlamaParseWebhooks.sendWithLcSignature(app, "", utf8(envelope("parse.success", parseJobId)));

        JsonNode job = app.awaitJobStatus(jobId, "failed_parse", Duration.ofSeconds(20));
        assertThat(job.path("last_error").asText()).contains("ended " + status).contains("nothing to parse");
        // the LlamaParse job is over: a retry uploads again. It is forgotten by the statement after the move (not in
        // the move's own), so the job may be seen failed a moment before
        await().atMost(Duration.ofSeconds(5))
                .until(() -> app.sql()
                                .queryForObject("SELECT parse_job_id FROM jobs WHERE id = ?::uuid", String.class, jobId)
                        == null);
    }

    /** Answers that say LlamaParse did not take the document: it is uploaded again after a backoff. */
    Stream<Arguments> transientFailures() {
        return Stream.of(
                Arguments.of("500", aResponse().withStatus(500).withBody("{\"detail\":\"Internal server error\"}")),
                Arguments.of("503", aResponse().withStatus(503).withBody("{\"detail\":\"Service unavailable\"}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transientFailures")
    void should_retry_a_transient_upload_failure_with_backoff(String name, ResponseDefinitionBuilder failure) {
        providers
                .server()
                .stubFor(post(urlPathEqualTo(generation().uploadPath()))
                        .atPriority(1)
                        .inScenario(name)
                        .whenScenarioStateIs(STARTED)
                        .willSetStateTo("recovered")
                        .willReturn(failure));

        String jobId = upload();
        JsonNode job = app.awaitJobStatus(jobId, "parse_queued", Duration.ofSeconds(30));

        // the failed call moved the job to failed_parse with a next attempt; the retry sweep sent it back
        assertThat(job.path("attempts").asInt()).isEqualTo(1);
        assertThat(job.path("events").findValuesAsText("to_status"))
                .containsSubsequence("failed_parse", "uploaded", "parse_queued");
        assertThat(job.path("events").findValuesAsText("detail"))
                .anyMatch(d -> d.startsWith("attempt 1 of 5 failed: ") && d.contains("; retry in "))
                .contains("automatic retry after attempt 1 of 5");
    }

    /** Answers after which LlamaParse may have created the parse job all the same. */
    Stream<Arguments> answersInDoubt() {
        return Stream.of(
                Arguments.of("connection reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)),
                Arguments.of(
                        "timeout",
                        aResponse()
                                .withStatus(200)
                                .withFixedDelay(3000)
                                .withBody("{\"id\":\"late\",\"status\":\"PENDING\"}")),
                Arguments.of("502", aResponse().withStatus(502).withBody("<html>Bad gateway</html>")),
                Arguments.of("2xx without a job id", aResponse().withStatus(200).withBody("<html>gateway</html>")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answersInDoubt")
    void should_not_upload_again_at_once_when_llamaparse_may_have_taken_the_document(
            String name, ResponseDefinitionBuilder answer) {
        providers
                .server()
                .stubFor(post(urlPathEqualTo(generation().uploadPath()))
                        .atPriority(1)
                        .inScenario(name)
                        .whenScenarioStateIs(STARTED)
                        .willSetStateTo("recovered")
                        .willReturn(answer));

        String jobId = upload();

        // an attempt is spent, the estimate stays booked, and the job waits for the webhook of the parse job that
        // LlamaParse may have created (docpipe.llamaparse.webhook-wait-seconds) before it uploads again
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() ->
                        app.get("/api/v1/jobs/" + jobId).json().path("attempts").asInt() == 1);
        JsonNode job = app.get("/api/v1/jobs/" + jobId).json();
        assertThat(job.path("status").asText()).isEqualTo("uploaded");
        assertThat(job.path("events").findValuesAsText("detail"))
                .anyMatch(d -> d.startsWith("attempt 1 of 5 in doubt: ")
                        && d.contains("the provider may have taken the request, so its cost stays booked"));
        assertThat(java.time.Instant.parse(job.path("next_attempt_at").asText()))
                .isAfter(java.time.Instant.now().plusSeconds(200));
        assertThat(app.sql()
                        .queryForObject(
                                "SELECT parse_estimate_usd FROM jobs WHERE id = ?::uuid",
                                java.math.BigDecimal.class,
                                jobId))
                .isPositive();
        assertThat(providers
                        .server()
                        .findAll(postRequestedFor(urlPathEqualTo(generation().uploadPath()))))
                .hasSize(1);
    }

    @Test
    void should_wait_out_a_burst_of_429s_without_spending_attempts() {
        for (int i = 0; i < 3; i++) {
            providers
                    .server()
                    .stubFor(post(urlPathEqualTo(generation().uploadPath()))
                            .atPriority(1)
                            .inScenario("burst")
                            .whenScenarioStateIs(i == 0 ? STARTED : "after-" + i)
                            .willSetStateTo("after-" + (i + 1))
                            .willReturn(aResponse()
                                    .withStatus(429)
                                    .withHeader("Retry-After", "0.3")
                                    .withBody("{\"detail\":\"Too many requests\"}")));
        }

        String jobId = upload();
        JsonNode job = app.awaitJobStatus(jobId, "parse_queued", Duration.ofSeconds(30));

        // a rate limit is waited out: no attempt spent, the job never failed, and each upload came after the pause
        assertThat(job.path("attempts").asInt()).isZero();
        assertThat(job.path("events").findValuesAsText("to_status")).doesNotContain("failed_parse");
        // (matched on the whole phrase: a job id in another event's detail can contain "429")
        assertThat(job.path("events").findValuesAsText("detail").stream().filter(d -> d.contains("answered 429")))
                .hasSize(3);
        List<LoggedRequest> uploads = providers
                .server()
                .findAll(postRequestedFor(urlPathEqualTo(generation().uploadPath())));
        assertThat(uploads).hasSize(4);
        for (int i = 1; i < uploads.size(); i++) {
            assertThat(Duration.between(
                            uploads.get(i - 1).getLoggedDate().toInstant(),
                            uploads.get(i).getLoggedDate().toInstant()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
        assertThat(app.get("/api/v1/health")
                        .json()
                        .path("services")
                        .path("llamaparse")
                        .path("circuit")
                        .asText())
                .isEqualTo("CLOSED");
    }

    @Test
    void should_poll_llamaparse_when_the_webhook_never_comes() throws Exception {
        // a short webhook wait for this test: the route's consumer reads the property each poll
        app.context().getPropertiesComponent().addOverrideProperty("docpipe.llamaparse.webhook-wait-seconds", "0");
        try {
            String jobId = upload();
            app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(60));
            assertThat(providers
                            .server()
                            .findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                                    urlPathMatching(generation().anyJobPath()))))
                    .isNotEmpty();
        } finally {
            app.context()
                    .getPropertiesComponent()
                    .addOverrideProperty("docpipe.llamaparse.webhook-wait-seconds", "300");
        }
    }

    private String upload() {
        byte[] text =
                ("A document for LlamaParse " + UUID.randomUUID()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return app.upload("doc.txt", text).json().path("job_id").asText();
    }
}
