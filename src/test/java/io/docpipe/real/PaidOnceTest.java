package io.docpipe.real;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.docpipe.real.LlamaParseWebhooks.envelope;
import static io.docpipe.real.LlamaParseWebhooks.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.embed.EmbedStage;
import io.docpipe.embed.PendingBatch;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStatus;
import io.docpipe.parse.LlamaParseStage;
import io.docpipe.provider.ProviderAnswer;
import io.docpipe.testsupport.LlamaParseGeneration;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docpipe never pays twice for one document: each test drives one of the ways it used to (a parse job without its
 * LlamaParse job, an upload whose answer was lost, a stale worker, a reservation nobody settled, a budget smaller
 * than one document, a local token limit, a failing status read in hybrid mode, a manual retry after a failed read,
 * an embed batch whose jobs were taken over) and counts the paid calls the stand-ins received.
 */
class PaidOnceTest {

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
    void should_upload_a_parse_queued_job_without_a_llamaparse_job_once() throws Exception {
        try (RunningDocpipe app = RunningDocpipe.start(pollingAtOnce(providers.properties("real", "mock")))) {
            app.context().getRouteController().stopRoute("claim-parse-work");
            String jobId = upload(app, "orphaned.txt");
            // a hybrid mock parse that died after queueing the job, or a switch from mock to real
            app.sql().update("UPDATE jobs SET status = 'parse_queued' WHERE id = ?::uuid", jobId);
            app.context().getRouteController().startRoute("claim-parse-work");

            app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(30));
            assertThat(uploads()).isEqualTo(1);
        }
    }

    @Test
    void should_adopt_the_llamaparse_job_of_an_upload_whose_answer_timed_out() {
        String parseJobId = "accepted-" + UUID.randomUUID();
        // LlamaParse creates the job, but its answer comes after docpipe stopped waiting for it (2 s)
        providers.acceptUploadsSlowly(parseJobId, 3000);
        Map<String, String> properties = providers.properties("real", "mock");
        properties.put("docpipe.llamaparse.daily-budget-usd", "1.00");
        try (RunningDocpipe app = RunningDocpipe.start(properties)) {
            JsonNode receipt = app.upload(
                            "lost-answer.txt", "Its upload answer is lost.".getBytes(StandardCharsets.UTF_8))
                    .json();
            String jobId = receipt.path("job_id").asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            app.get("/api/v1/jobs/" + jobId).json().path("events").findValuesAsText("detail").stream()
                                    .anyMatch(d -> d.contains("in doubt")));

            // the parse job ends, and LlamaCloud calls the URL docpipe gave it
            RunningDocpipe.Response delivered = LlamaParseWebhooks.sendWithLcSignature(
                    app,
                    "?correlation_id=" + receipt.path("correlation_id").asText(),
                    utf8(envelope("parse.success", parseJobId)));
            assertThat(delivered.json().path("status").asText()).isEqualTo("processed");

            JsonNode job = app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(30));
            assertThat(job.path("parse_job_id").asText()).isEqualTo(parseJobId);
            assertThat(job.path("events").findValuesAsText("detail"))
                    .anyMatch(d -> d.startsWith("adopted LlamaParse job"));
            assertThat(uploads()).isEqualTo(1);
            // booked once: the estimate while in doubt, corrected by the 6 credits the result reports
            assertThat(app.sql()
                            .queryForObject(
                                    "SELECT spent_usd FROM cost_ledger WHERE service = 'llamaparse'", BigDecimal.class))
                    .isEqualByComparingTo("0.0075");
            assertThat(app.sql()
                            .queryForObject(
                                    "SELECT requests FROM cost_ledger WHERE service = 'llamaparse'", Long.class))
                    .isEqualTo(1);
        }
    }

    @Test
    void should_ignore_what_a_worker_that_lost_its_job_brings_back() throws Exception {
        try (RunningDocpipe app = RunningDocpipe.start(providers.properties("real", "mock"))) {
            app.context().getRouteController().stopRoute("claim-parse-work");
            String jobId = upload(app, "stale.txt");
            Map<String, Object> row =
                    app.sql().queryForMap("SELECT id, document_id, correlation_id FROM jobs WHERE id = ?::uuid", jobId);
            // a slow worker's claim (token 1), taken over by another worker (token 2) after its lease ran out
            app.sql()
                    .update(
                            "UPDATE jobs SET lease_owner = 'other', lease_token = 2, leased_at = now(), "
                                    + "lease_expires_at = now() + interval '1 minute' WHERE id = ?::uuid",
                            jobId);
            ClaimedJob stale = new ClaimedJob(
                    (UUID) row.get("id"),
                    (UUID) row.get("document_id"),
                    (String) row.get("correlation_id"),
                    JobStatus.UPLOADED,
                    1L);

            bean(app, "llamaParseStage", LlamaParseStage.class)
                    .submitted(stale, ProviderAnswer.answered("stale-parse-job"));

            assertThat(app.sql()
                            .queryForMap(
                                    "SELECT status, parse_job_id, lease_token FROM jobs WHERE id = ?::uuid", jobId))
                    .containsEntry("status", "uploaded")
                    .containsEntry("parse_job_id", null)
                    .containsEntry("lease_token", 2L);
        }
    }

    @Test
    void should_give_back_a_reservation_whose_process_died_before_settling_it() throws Exception {
        Map<String, String> properties = providers.properties("real", "mock");
        properties.put("docpipe.llamaparse.daily-budget-usd", "0.01");
        try (RunningDocpipe app = RunningDocpipe.start(properties)) {
            // a process died between reserving $0.01 and settling it: the day's budget looks spent
            app.sql()
                    .update("INSERT INTO cost_ledger (service, day, reserved_usd, budget_usd) VALUES "
                            + "('llamaparse', (now() AT TIME ZONE 'UTC')::date, 0.01, 0.01)");
            app.sql()
                    .update(
                            "INSERT INTO cost_reservations (service, day, usd, owner, expires_at) VALUES "
                                    + "('llamaparse', (now() AT TIME ZONE 'UTC')::date, 0.01, 'dead-instance', now() - interval '1 second')");

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> app.sql()
                                    .queryForObject(
                                            "SELECT reserved_usd FROM cost_ledger WHERE service = 'llamaparse'",
                                            BigDecimal.class)
                                    .signum()
                            == 0);
            String jobId = upload(app, "after-the-crash.txt");
            app.awaitJobStatus(jobId, "parse_queued", Duration.ofSeconds(30));
            assertThat(uploads()).isEqualTo(1);
        }
    }

    @Test
    void should_fail_for_good_a_document_that_costs_more_than_the_whole_daily_budget() throws Exception {
        Map<String, String> properties = providers.properties("real", "mock");
        properties.put("docpipe.llamaparse.daily-budget-usd", "0.001");
        try (RunningDocpipe app = RunningDocpipe.start(properties)) {
            JsonNode job = app.awaitJobStatus(upload(app, "too-big.txt"), "failed_parse", Duration.ofSeconds(30));

            assertThat(job.path("dead").asBoolean()).isTrue();
            assertThat(job.path("last_error").asText())
                    .contains("more than the whole daily budget of $0.001")
                    .contains("$0.00375");
            assertThat(uploads()).isZero();
        }
    }

    @Test
    void should_wait_for_the_local_token_limit_without_failing_or_opening_the_circuit() throws Exception {
        Map<String, String> properties = providers.properties("mock", "real");
        // a minute's tokens are fewer than one batch: the first request takes them all, the next one must wait
        properties.put("docpipe.openai.tokens-per-minute", "100");
        properties.put("docpipe.pacing.max-wait-ms", "200");
        properties.put("docpipe.circuit.minimum-calls", "1");
        properties.put("docpipe.circuit.sliding-window-calls", "2");
        try (RunningDocpipe app = RunningDocpipe.start(properties)) {
            String first = upload(app, "first.txt", "Token limited. ".repeat(100));
            app.awaitJobStatus(first, "complete", Duration.ofSeconds(30));
            String second = upload(app, "second.txt", "Waiting for tokens. ".repeat(100));

            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            app.get("/api/v1/jobs/" + second).json().path("events").findValuesAsText("detail").stream()
                                    .anyMatch(d -> d.contains("paced")));
            JsonNode waiting = app.get("/api/v1/jobs/" + second).json();
            assertThat(waiting.path("attempts").asInt()).isZero();
            assertThat(waiting.path("status").asText()).isEqualTo("embedding_queued");
            assertThat(app.get("/api/v1/health")
                            .json()
                            .path("services")
                            .path("openai")
                            .path("circuit")
                            .asText())
                    .isEqualTo("CLOSED");
            assertThat(providers.server().findAll(postRequestedFor(urlPathEqualTo("/v1/embeddings"))))
                    .hasSize(1);
            assertThat(app.get("/api/v1/costs")
                            .json()
                            .path("services")
                            .path("openai")
                            .path("requests")
                            .asInt())
                    .isEqualTo(1);
        }
    }

    @Test
    void should_wait_for_llamaparse_instead_of_the_mock_when_reading_a_paid_result_fails_in_hybrid_mode()
            throws Exception {
        Map<String, String> properties = pollingAtOnce(providers.properties("hybrid", "mock"));
        properties.put("docpipe.circuit.minimum-calls", "2");
        properties.put("docpipe.circuit.sliding-window-calls", "2");
        properties.put("docpipe.circuit.open-seconds", "1");
        try (RunningDocpipe app = RunningDocpipe.start(properties)) {
            providers
                    .server()
                    .stubFor(get(urlPathMatching("/api/v1/parsing/job/[^/]+"))
                            .atPriority(1)
                            .willReturn(aResponse().withStatus(500).withBody("{\"detail\":\"status unavailable\"}")));
            String jobId = upload(app, "paid.txt");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> app.get("/api/v1/jobs/" + jobId)
                                    .json()
                                    .path("attempts")
                                    .asInt()
                            >= 2);
            int uploadsBefore = uploads();
            providers.reset(); // (and its log of requests)

            JsonNode job = app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(60));
            assertThat(app.sql().queryForObject("SELECT parse_provider FROM documents", String.class))
                    .isEqualTo("llamaparse");
            assertThat(job.path("events").findValuesAsText("detail")).noneMatch(d -> d.startsWith("parsed locally"));
            assertThat(uploadsBefore + uploads()).isEqualTo(1);
        }
    }

    @Test
    void should_read_the_result_again_on_a_manual_retry_after_a_failed_read_instead_of_uploading_again()
            throws Exception {
        try (RunningDocpipe app =
                RunningDocpipe.start(pollingAtOnce(providers.propertiesWithClosedCircuit("real", "mock")))) {
            providers
                    .server()
                    .stubFor(get(urlPathMatching("/api/v1/parsing/job/[^/]+"))
                            .atPriority(1)
                            .willReturn(aResponse().withStatus(403).withBody("{\"detail\":\"key not allowed here\"}")));
            String jobId = upload(app, "refused-read.txt");
            app.awaitJobStatus(jobId, "failed_parse", Duration.ofSeconds(30));
            int uploadsBefore = uploads();
            providers.reset(); // (and its log of requests)

            assertThat(app.post("/api/v1/jobs/" + jobId + "/retry").status()).isEqualTo(202);
            JsonNode job = app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(30));
            assertThat(job.path("events").findValuesAsText("to_status"))
                    .containsSubsequence("failed_parse", "parse_queued", "parsed");
            assertThat(uploadsBefore + uploads()).isEqualTo(1);
        }
    }

    @Test
    void should_not_send_the_chunks_of_a_job_another_worker_took_over() throws Exception {
        try (RunningDocpipe app = RunningDocpipe.start(providers.properties("mock", "real"))) {
            app.context().getRouteController().stopRoute("claim-embed-work");
            String kept = upload(app, "kept.txt");
            String lost = upload(app, "lost.txt");
            app.awaitJobStatus(kept, "embedding_queued", Duration.ofSeconds(30));
            app.awaitJobStatus(lost, "embedding_queued", Duration.ofSeconds(30));
            app.sql()
                    .update(
                            "UPDATE jobs SET status = 'embedding_in_progress', lease_owner = 'me', lease_token = 10 + "
                                    + "CASE WHEN id = ?::uuid THEN 1 ELSE 2 END, leased_at = now(), lease_expires_at = now() + interval '1 minute'",
                            kept);
            EmbedStage stage = bean(app, "embedStage", EmbedStage.class);
            List<ClaimedJob> claimed = List.of(claimedJob(app, kept, 11L), claimedJob(app, lost, 12L));
            List<PendingBatch> batches = new java.util.ArrayList<>();
            stage.plan(claimed).forEach(batches::add);
            assertThat(batches).hasSize(1);
            // the second job was taken over by another worker since this one planned the batch
            app.sql().update("UPDATE jobs SET lease_token = 99 WHERE id = ?::uuid", lost);

            PendingBatch fenced = stage.fence(batches.get(0));

            assertThat(fenced.jobs()).extracting(ClaimedJob::id).containsExactly(UUID.fromString(kept));
            assertThat(fenced.chunks())
                    .isNotEmpty()
                    .allMatch(chunk -> chunk.job().id().toString().equals(kept));
            assertThat(fenced.tokenCount())
                    .isEqualTo(fenced.chunks().stream()
                            .mapToInt(PendingBatch.PendingChunk::tokens)
                            .sum());
        }
    }

    private int uploads() {
        return providers
                .server()
                .findAll(postRequestedFor(urlPathEqualTo("/api/v1/parsing/upload")))
                .size();
    }

    private static Map<String, String> pollingAtOnce(Map<String, String> properties) {
        Map<String, String> copy = new HashMap<>(properties);
        // no webhook in these tests: the overdue poll has the result read at once
        copy.put("docpipe.llamaparse.webhook-wait-seconds", "0");
        copy.put("docpipe.llamaparse.poll-interval-seconds", "1");
        return copy;
    }

    private static String upload(RunningDocpipe app, String name) {
        return upload(app, name, "A paid document: " + name + " " + UUID.randomUUID());
    }

    private static String upload(RunningDocpipe app, String name, String text) {
        return app.upload(name, (text + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8))
                .json()
                .path("job_id")
                .asText();
    }

    private static ClaimedJob claimedJob(RunningDocpipe app, String jobId, long token) {
        Map<String, Object> row =
                app.sql().queryForMap("SELECT id, document_id, correlation_id FROM jobs WHERE id = ?::uuid", jobId);
        return new ClaimedJob(
                (UUID) row.get("id"),
                (UUID) row.get("document_id"),
                (String) row.get("correlation_id"),
                JobStatus.EMBEDDING_IN_PROGRESS,
                token);
    }

    private static <T> T bean(RunningDocpipe app, String name, Class<T> type) {
        return app.context().getRegistry().lookupByNameAndType(name, type);
    }
}
