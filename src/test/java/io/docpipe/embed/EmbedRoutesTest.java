package io.docpipe.embed;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.docpipe.DocpipeApplication;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RouteTestDocpipe;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The embed stage's routes (routes/embed.yaml) at route level, one boot per OPENAI_MODE with OpenAI's stand-in
 * (WireMock): embed-batch's answers in real and hybrid mode, each batch reserved against OpenAI's budget by
 * call-openai. Uploads are parsed and chunked by the real stages (mock parsing); the embed claim and the sweeps are
 * direct endpoints, so a job waits in embedding_queued until a test claims it with the claim's own query and hands
 * the claimed jobs to the route. Checked: the job's status and events, the stored vectors, the ledger, the meters.
 */
@CamelMainTest(
        mainClass = DocpipeApplication.class,
        properties = RouteTestDocpipe.NO_RELOAD,
        replaceRouteFromWith = {
            "claim-embed-work=direct:claim-embed-work",
            "sweep-retry-failed-jobs=direct:sweep-retry-failed-jobs",
            "sweep-reclaim-expired-leases=direct:sweep-reclaim-expired-leases",
            "sweep-poll-overdue-parse-jobs=direct:sweep-poll-overdue-parse-jobs",
            "sweep-release-rescheduled-jobs=direct:sweep-release-rescheduled-jobs",
            "sweep-reembed-fallback-vectors=direct:sweep-reembed-fallback-vectors",
            "sweep-release-abandoned-reservations=direct:sweep-release-abandoned-reservations",
            "sweep-deliver-budget-alerts=direct:sweep-deliver-budget-alerts",
            "sweep-purge-expired-records=direct:sweep-purge-expired-records",
            "sweep-purge-orphaned-files=direct:sweep-purge-orphaned-files"
        })
class EmbedRoutesTest {

    /** OPENAI_MODE=real: OpenAI only; when it cannot take a batch, the jobs wait or are retried. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RealMode extends EmbedStage {

        @Configure
        void configure(MainConfigurationProperties main) {
            boot(main, "real");
        }

        @Test
        void should_store_openai_vectors_and_complete_the_job() {
            UUID job = queuedForEmbedding("answered.txt");

            claimEmbedWork();

            assertCompletedWithVectorsFrom(job, "openai", false);
            assertThat(requests()).isOne();
            assertThat(app.count("SELECT requests FROM cost_ledger WHERE service = 'openai' "
                            + "AND day = (now() AT TIME ZONE 'UTC')::date"))
                    .isOne();
        }

        @Test
        void should_fail_the_jobs_with_openai_words_when_it_rejects_the_batch() {
            double rejectedBefore =
                    app.counted("docpipe_provider_calls_total", "service=\"openai\"", "outcome=\"rejected\"");
            answerEmbeddings(aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens\","
                            + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}"));
            UUID job = queuedForEmbedding("rejected.txt");

            claimEmbedWork();

            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("failed_embedding");
            assertThat(row.get("not_before")).as("no automatic retry").isNull();
            assertThat((String) row.get("last_error")).contains("400").contains("maximum context length");
            assertThat(vectors(job)).isZero();
            assertThat(app.counted("docpipe_provider_calls_total", "service=\"openai\"", "outcome=\"rejected\""))
                    .isEqualTo(rejectedBefore + 1);
        }

        @Test
        void should_let_the_jobs_wait_out_a_rate_limit_without_spending_an_attempt() {
            answerEmbeddings(aResponse()
                    .withStatus(429)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("retry-after-ms", "100")
                    .withBody("{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
                            + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}"));
            UUID job = queuedForEmbedding("rate-limited.txt");

            claimEmbedWork();

            Map<String, Object> row = app.job(job);
            // back in the queue, claimable once the pause is over
            assertThat(row.get("status")).isEqualTo("embedding_queued");
            assertThat(row.get("attempts")).isEqualTo(0);
            assertThat(row.get("not_before")).isNotNull();
            assertThat(row.get("lease_owner")).isNull();
            assertThat(app.details(job))
                    .anySatisfy(detail -> assertThat(detail).contains("429").contains("waiting until"));
            assertThat(vectors(job)).isZero();
        }

        @Test
        void should_reschedule_the_jobs_to_the_next_day_without_calling_openai_when_the_budget_is_spent() {
            spendTodaysBudget();
            UUID job = queuedForEmbedding("over-budget.txt");

            claimEmbedWork();

            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("embedding_queued");
            assertThat(((Timestamp) row.get("rescheduled_until")).toInstant())
                    .isEqualTo(LocalDate.now(ZoneOffset.UTC)
                            .plusDays(1)
                            .atStartOfDay()
                            .toInstant(ZoneOffset.UTC));
            assertThat(app.details(job)).anySatisfy(detail -> assertThat(detail)
                    .contains("openai daily budget of $1")
                    .contains("rescheduled to"));
            assertThat(requests()).isZero();
            assertThat(vectors(job)).isZero();
        }

        @Test
        void should_fail_the_jobs_for_a_later_retry_when_openai_is_unavailable() {
            answerEmbeddings(aResponse().withStatus(503).withBody("{\"error\":{\"message\":\"overloaded\"}}"));
            UUID job = queuedForEmbedding("unavailable.txt");

            claimEmbedWork();

            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("failed_embedding");
            assertThat(row.get("attempts")).isEqualTo(1);
            assertThat(row.get("not_before")).as("its next attempt").isNotNull();
            assertThat((String) row.get("last_error"))
                    .startsWith("attempt 1 of 5 failed")
                    .contains("503");
            assertThat(vectors(job)).isZero();
        }
    }

    /** OPENAI_MODE=hybrid: OpenAI, and the mock's vectors (marked for re-embedding) while it is down or over budget. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class HybridMode extends EmbedStage {

        @Configure
        void configure(MainConfigurationProperties main) {
            boot(main, "hybrid");
        }

        @Test
        void should_store_openai_vectors_while_openai_is_up_and_within_its_budget() {
            UUID job = queuedForEmbedding("hybrid.txt");

            claimEmbedWork();

            assertCompletedWithVectorsFrom(job, "openai", false);
            assertThat(requests()).isOne();
        }

        @Test
        void should_fail_the_jobs_with_openai_words_when_it_rejects_the_batch_and_not_use_the_mock() {
            answerEmbeddings(aResponse()
                    .withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                            "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\","
                                    + "\"param\":null,\"code\":\"invalid_api_key\"}}"));
            UUID job = queuedForEmbedding("hybrid-rejected.txt");

            claimEmbedWork();

            assertThat(app.job(job).get("status")).isEqualTo("failed_embedding");
            assertThat((String) app.job(job).get("last_error")).contains("Incorrect API key provided");
            assertThat(vectors(job)).isZero();
        }

        @Test
        void should_wait_out_a_rate_limit_instead_of_using_the_mock() {
            answerEmbeddings(aResponse()
                    .withStatus(429)
                    .withHeader("retry-after-ms", "100")
                    .withBody("{\"error\":{\"message\":\"Rate limit reached\",\"code\":\"rate_limit_exceeded\"}}"));
            UUID job = queuedForEmbedding("hybrid-rate-limited.txt");

            claimEmbedWork();

            assertThat(app.job(job).get("status")).isEqualTo("embedding_queued");
            assertThat(app.job(job).get("attempts")).isEqualTo(0);
            assertThat(vectors(job)).isZero();
        }

        @Test
        void should_store_the_mocks_fallback_vectors_when_openai_is_over_its_budget() {
            spendTodaysBudget();
            UUID job = queuedForEmbedding("hybrid-over-budget.txt");

            claimEmbedWork();

            assertCompletedWithVectorsFrom(job, "mock", true);
            assertThat(app.details(job)).anySatisfy(detail -> assertThat(detail)
                    .startsWith("openai daily budget of $1 cannot take $")
                    .endsWith("; the mock stands in"));
            assertThat(requests()).isZero();
        }

        @Test
        void should_store_the_mocks_fallback_vectors_while_openai_is_down() {
            CircuitBreaker breaker = app.bean("openaiCircuitBreaker", CircuitBreaker.class);
            breaker.transitionToForcedOpenState();
            try {
                UUID job = queuedForEmbedding("hybrid-down.txt");

                claimEmbedWork();

                assertCompletedWithVectorsFrom(job, "mock", true);
                assertThat(requests()).isZero();
            } finally {
                breaker.transitionToClosedState();
            }
        }

        @Test
        void should_fail_the_jobs_for_a_later_retry_when_one_call_fails_while_openai_counts_as_up() {
            answerEmbeddings(aResponse().withStatus(500).withBody("{\"error\":{\"message\":\"server error\"}}"));
            UUID job = queuedForEmbedding("hybrid-one-failure.txt");

            claimEmbedWork();

            assertThat(app.job(job).get("status")).isEqualTo("failed_embedding");
            assertThat(app.job(job).get("attempts")).isEqualTo(1);
            assertThat(vectors(job)).isZero();
        }
    }

    /** One boot of docpipe in one OPENAI_MODE, and what its tests share. */
    abstract static class EmbedStage {

        RouteTestDocpipe app;
        ProviderStandIns providers;

        @BeanInject
        CamelContext context;

        void boot(MainConfigurationProperties main, String mode) {
            providers = ProviderStandIns.start();
            Map<String, String> properties = providers.propertiesWithClosedCircuit("mock", mode);
            properties.put("docpipe.openai.daily-budget-usd", "1");
            // no test here is about a timeout: the first call of a cold JVM on a busy machine must not be one
            properties.put("docpipe.openai.response-timeout-ms", "30000");
            // the parse and chunk claims stay the real SQL consumers: poll them often
            properties.put("docpipe.parse.poll-interval-ms", "50");
            properties.put("docpipe.chunk.poll-interval-ms", "50");
            app = RouteTestDocpipe.configure(main, properties);
        }

        /** Each test starts with the stand-ins' happy paths, an empty ledger and no claimable job of an earlier test. */
        @BeforeEach
        void reset() {
            app.on(context);
            providers.reset();
            app.startAfresh();
        }

        @AfterAll
        void stopStandIns() {
            providers.close();
        }

        /** Uploads a document and waits until the real parse and chunk stages have queued it for embedding. */
        UUID queuedForEmbedding(String name) {
            UUID job =
                    UUID.fromString(app.upload(name, "Vectors for the embed stage: " + name + " " + UUID.randomUUID())
                            .path("job_id")
                            .asText());
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> "embedding_queued".equals(app.job(job).get("status")));
            return job;
        }

        void claimEmbedWork() {
            app.claim("claim-embed-work", "classpath:sql/embed/claim-embed-work.sql", true);
        }

        /** OpenAI's answer to every embeddings request of this test. */
        void answerEmbeddings(ResponseDefinitionBuilder answer) {
            providers
                    .server()
                    .stubFor(
                            post(urlPathEqualTo("/v1/embeddings")).atPriority(1).willReturn(answer));
        }

        /** Another batch spent today's OpenAI budget. */
        void spendTodaysBudget() {
            app.sql()
                    .update("INSERT INTO cost_ledger (service, day, spent_usd, budget_usd) VALUES "
                            + "('openai', (now() AT TIME ZONE 'UTC')::date, 1, 1)");
        }

        void assertCompletedWithVectorsFrom(UUID job, String provider, boolean fallback) {
            assertThat(app.job(job).get("status")).isEqualTo("complete");
            int chunks = app.count(
                    "SELECT count(*) FROM chunks c JOIN jobs j ON j.document_id = c.document_id WHERE j.id = ?", job);
            assertThat(chunks).isPositive();
            assertThat(vectors(job)).isEqualTo(chunks);
            assertThat(app.sql()
                            .queryForList(
                                    "SELECT DISTINCT e.provider || ':' || e.fallback FROM embeddings e "
                                            + "JOIN chunks c ON c.id = e.chunk_id JOIN jobs j ON j.document_id = c.document_id "
                                            + "WHERE j.id = ?",
                                    String.class,
                                    job))
                    .containsExactly(provider + ":" + fallback);
        }

        int vectors(UUID job) {
            return app.count(
                    "SELECT count(*) FROM embeddings e JOIN chunks c ON c.id = e.chunk_id "
                            + "JOIN jobs j ON j.document_id = c.document_id WHERE j.id = ?",
                    job);
        }

        int requests() {
            return providers
                    .server()
                    .findAll(postRequestedFor(urlPathEqualTo("/v1/embeddings")))
                    .size();
        }
    }
}
