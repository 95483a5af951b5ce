package io.docpipe.real;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
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
import io.docpipe.testsupport.LlamaParseGeneration;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.webhook.WebhookSignature;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider edge under the providers' real behaviour: a webhook is answered without waiting for LlamaParse, a
 * burst of deliveries is recorded and each result fetched once, a delivery may overtake the upload's answer, and a
 * rate limit is waited out without failing a job, spending an attempt or opening a circuit.
 */
class ProviderEdgeTest {

    private ProviderStandIns providers;

    @BeforeEach
    void start() {
        providers = ProviderStandIns.start(LlamaParseGeneration.V1);
    }

    @AfterEach
    void stop() {
        providers.close();
    }

    @Test
    void should_answer_a_webhook_while_llamaparse_hangs_and_complete_the_job_once_it_answers() throws Exception {
        Map<String, String> properties = providers.properties("real", "mock");
        properties.put("docpipe.llamaparse.response-timeout-ms", "10000");
        try (RunningDocpipe app = RunningDocpipe.start(properties)) {
            JsonNode receipt = app.upload("slow.txt", "LlamaParse is slow today.".getBytes(StandardCharsets.UTF_8))
                    .json();
            String parseJobId = RealModeEndToEndTest.awaitParseJob(app, receipt);
            providers
                    .server()
                    .stubFor(get(urlPathMatching("/api/v1/parsing/job/[^/]+"))
                            .atPriority(1)
                            .willReturn(aResponse()
                                    .withStatus(200)
                                    .withHeader("Content-Type", "application/json")
                                    .withFixedDelay(4000)
                                    .withBody("{\"id\":\"" + parseJobId + "\",\"status\":\"SUCCESS\"}")));

            // a delivery that waited for LlamaParse (4 s) would miss this client's 2 s timeout and fail the test
            byte[] body = utf8(envelope("parse.success", parseJobId));
            RunningDocpipe.Response answer = app.send(app.request("/api/v1/webhooks/llamaparse")
                    .timeout(Duration.ofSeconds(2))
                    .header("Content-Type", "application/json")
                    .header("LC-Signature", WebhookSignature.sign(ProviderStandIns.WEBHOOK_SECRET, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().path("status").asText()).isEqualTo("processed");

            app.awaitJobStatus(receipt.path("job_id").asText(), "complete", Duration.ofSeconds(60));
        }
    }

    @Test
    void should_record_a_burst_of_deliveries_and_fetch_each_result_once() throws Exception {
        int documents = 100;
        Map<String, String> properties = providers.properties("real", "mock");
        properties.put("docpipe.llamaparse.requests-per-minute", "6000");
        // the burst is of deliveries: reads of the results are not what is paced here (600 a minute: 20 s for 200)
        properties.put("docpipe.llamaparse.read-requests-per-minute", "60000");
        try (RunningDocpipe app = RunningDocpipe.start(properties)) {
            List<JsonNode> receipts = new ArrayList<>();
            for (int i = 0; i < documents; i++) {
                receipts.add(app.upload("burst-" + i + ".txt", ("Burst document " + i).getBytes(StandardCharsets.UTF_8))
                        .json());
            }
            List<String> parseJobIds = new ArrayList<>();
            for (JsonNode receipt : receipts) {
                parseJobIds.add(RealModeEndToEndTest.awaitParseJob(app, receipt));
            }

            ExecutorService senders = Executors.newFixedThreadPool(16);
            try {
                List<Future<RunningDocpipe.Response>> deliveries = new ArrayList<>();
                for (String parseJobId : parseJobIds) {
                    byte[] body = utf8(envelope("parse.success", parseJobId));
                    deliveries.add(senders.submit(() -> LlamaParseWebhooks.sendWithLcSignature(app, "", body)));
                }
                for (Future<RunningDocpipe.Response> delivery : deliveries) {
                    assertThat(delivery.get().status()).isEqualTo(200);
                }
            } finally {
                senders.shutdown();
            }

            for (JsonNode receipt : receipts) {
                app.awaitJobStatus(receipt.path("job_id").asText(), "complete", Duration.ofSeconds(60));
            }
            assertThat(providers
                            .server()
                            .findAll(getRequestedFor(urlPathMatching("/api/v1/parsing/job/[^/]+/result/markdown"))))
                    .hasSize(documents);
            assertThat(providers.server().findAll(getRequestedFor(urlPathMatching("/api/v1/parsing/job/[^/]+"))))
                    .hasSize(documents);
            assertThat(app.sql().queryForObject("SELECT count(*) FROM webhook_deliveries", Integer.class))
                    .isEqualTo(documents);
        }
    }

    @Test
    void should_keep_a_delivery_that_overtakes_the_upload_answer() throws Exception {
        String parseJobId = "race-" + UUID.randomUUID();
        // the answer is slow, never late: 4 s leave the delivery time to overtake it on a loaded machine, and the
        // timeout (stand-ins: 2 s) is raised so the upload is never in doubt here (that case is PaidOnceTest's)
        providers.acceptUploadsSlowly(parseJobId, 4000);
        Map<String, String> properties = providers.properties("real", "mock");
        properties.put("docpipe.llamaparse.response-timeout-ms", "30000");
        try (RunningDocpipe app = RunningDocpipe.start(properties)) {
            JsonNode receipt = app.upload("race.txt", "The webhook comes first.".getBytes(StandardCharsets.UTF_8))
                    .json();
            await().atMost(Duration.ofSeconds(20)).until(() -> !providers
                    .server()
                    .findAll(postRequestedFor(urlPathEqualTo("/api/v1/parsing/upload")))
                    .isEmpty());
            assertThat(app.sql()
                            .queryForObject(
                                    "SELECT parse_job_id FROM jobs WHERE id = ?::uuid",
                                    String.class,
                                    receipt.path("job_id").asText()))
                    .isNull();

            // LlamaCloud calls the URL docpipe registered, which carries the job's correlation id
            RunningDocpipe.Response delivered = LlamaParseWebhooks.sendWithLcSignature(
                    app,
                    "?correlation_id=" + receipt.path("correlation_id").asText(),
                    utf8(envelope("parse.success", parseJobId)));
            assertThat(delivered.status()).isEqualTo(200);
            assertThat(delivered.json().path("status").asText()).isEqualTo("processed");

            // no overdue poll in this test (webhook wait 300 s): the recorded delivery alone gets the result read
            JsonNode job = app.awaitJobStatus(receipt.path("job_id").asText(), "complete", Duration.ofSeconds(30));
            assertThat(job.path("events").findValuesAsText("detail")).contains("LlamaParse job " + parseJobId);
        }
    }

    @Test
    void should_wait_out_rate_limits_without_failing_jobs_opening_the_circuit_or_counting_unsent_requests() {
        // four 429s as OpenAI sends them, then OpenAI's normal answers; hybrid mode: a 429 must never mean the mock
        for (int i = 0; i < 4; i++) {
            providers
                    .server()
                    .stubFor(post(urlPathEqualTo("/v1/embeddings"))
                            .atPriority(1)
                            .inScenario("limited")
                            .whenScenarioStateIs(i == 0 ? STARTED : "after-" + i)
                            .willSetStateTo("after-" + (i + 1))
                            .willReturn(aResponse()
                                    .withStatus(429)
                                    .withHeader("Content-Type", "application/json")
                                    .withHeader("retry-after-ms", "200")
                                    .withHeader("x-ratelimit-limit-requests", "60")
                                    .withHeader("x-ratelimit-remaining-requests", "0")
                                    .withHeader("x-ratelimit-reset-requests", "1s")
                                    .withBody(
                                            "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
                                                    + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}")));
        }
        Map<String, String> properties = providers.properties("mock", "hybrid");
        properties.put("docpipe.circuit.minimum-calls", "2");
        properties.put("docpipe.circuit.sliding-window-calls", "4");
        try (RunningDocpipe app = RunningDocpipe.start(properties)) {
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                byte[] text = ("Rate limited document " + i + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
                jobs.add(app.upload("limited.txt", text).json().path("job_id").asText());
            }
            for (String job : jobs) {
                JsonNode done = app.awaitJobStatus(job, "complete", Duration.ofSeconds(60));
                assertThat(done.path("attempts").asInt()).isZero();
            }

            assertThat(app.sql()
                            .queryForObject(
                                    "SELECT count(*) FROM embeddings WHERE fallback OR provider <> 'openai'",
                                    Integer.class))
                    .isZero();
            assertThat(app.get("/api/v1/health")
                            .json()
                            .path("services")
                            .path("openai")
                            .path("circuit")
                            .asText())
                    .isEqualTo("CLOSED");
            // the ledger counts the requests OpenAI received, 429s included, and no request that was never sent
            int received = providers
                    .server()
                    .findAll(postRequestedFor(urlPathEqualTo("/v1/embeddings")))
                    .size();
            assertThat(received).isGreaterThan(4);
            assertThat(app.get("/api/v1/costs")
                            .json()
                            .path("services")
                            .path("openai")
                            .path("requests")
                            .asInt())
                    .isEqualTo(received);
            // the learned limit (60 a minute) spaces what follows the 429s
            assertThat(app.sql()
                            .queryForObject("SELECT count(*) FROM job_events WHERE detail LIKE '%429%'", Integer.class))
                    .isPositive();
        }
    }

    @Test
    void should_answer_a_webhook_at_once_while_llamaparse_is_unreachable() {
        // the stand-in is gone altogether: deliveries are still answered at once
        Map<String, String> properties = providers.properties("real", "mock");
        try (RunningDocpipe app = RunningDocpipe.start(properties)) {
            JsonNode receipt = app.upload("gone.txt", "LlamaParse goes away.".getBytes(StandardCharsets.UTF_8))
                    .json();
            String parseJobId = RealModeEndToEndTest.awaitParseJob(app, receipt);
            providers.server().stop();

            byte[] body = utf8(envelope("parse.success", parseJobId));
            RunningDocpipe.Response answer = app.send(app.request("/api/v1/webhooks/llamaparse")
                    .timeout(Duration.ofSeconds(2))
                    .header("Content-Type", "application/json")
                    .header("LC-Signature", WebhookSignature.sign(ProviderStandIns.WEBHOOK_SECRET, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
            assertThat(answer.status()).isEqualTo(200);
            // the job waits in parse_queued, its result still marked ready, until LlamaParse answers again
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> app.sql()
                                    .queryForObject(
                                            "SELECT count(*) FROM job_events WHERE job_id = ?::uuid AND detail LIKE 'attempt 1 of 5 failed%'",
                                            Integer.class,
                                            receipt.path("job_id").asText())
                            == 1);
            assertThat(app.sql()
                            .queryForMap(
                                    "SELECT status, parse_ready_at IS NOT NULL AS ready FROM jobs WHERE id = ?::uuid",
                                    receipt.path("job_id").asText()))
                    .containsEntry("status", "parse_queued")
                    .containsEntry("ready", true);
        }
    }
}
