package io.docpipe.parse;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.docpipe.DocpipeApplication;
import io.docpipe.testsupport.LlamaParseGeneration;
import io.docpipe.testsupport.LlamaParseV2Wire;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RouteTestDocpipe;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
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
 * The parse stage's routes (routes/parse.yaml) at route level, one boot per LLAMAPARSE_MODE (the mode is read once,
 * when the routes and beans are built): parse-document's three branches, submit-to-llamaparse's outcomes and
 * fetch-parse-result's. Uploads go through the real API; the claims (SQL consumers) and the sweeps (Quartz) are
 * direct endpoints, so a job waits where a test puts it, and a test claims it with the claim route's own query and
 * hands it to the route. LlamaParse is the WireMock stand-in (Parse v2), with failure stubs per test. What is checked
 * is what a user sees: the job's status and events, the cost ledger, the calls LlamaParse received, the meters.
 */
@CamelMainTest(
        mainClass = DocpipeApplication.class,
        properties = RouteTestDocpipe.NO_RELOAD,
        replaceRouteFromWith = {
            "claim-parse-work=direct:claim-parse-work",
            "claim-fetch-work=direct:claim-fetch-work",
            "claim-chunk-work=direct:claim-chunk-work",
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
class ParseRoutesTest {

    private static final String CLAIM_PARSE = "classpath:sql/parse/claim-parse-work.sql";
    private static final String CLAIM_FETCH = "classpath:sql/parse/claim-fetch-work.sql";

    /** LLAMAPARSE_MODE=real: a $1 credit, 2 credits a page, a $100 day; the circuit never opens by itself. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RealMode extends ParseStage {

        @Configure
        void configure(MainConfigurationProperties main) {
            boot(main, "real");
        }

        @Test
        void should_submit_the_document_record_the_llamaparse_job_and_book_its_estimate() {
            UUID job = uploaded("submitted.txt");

            claimParseWork();

            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("parse_queued");
            assertThat((String) row.get("parse_job_id")).startsWith("pjb-");
            // the webhook (or the overdue poll) takes over: no worker holds the job
            assertThat(row.get("lease_owner")).isNull();
            assertThat(app.details(job)).contains("LlamaParse job " + row.get("parse_job_id"));
            assertThat(uploads()).isOne();
            // one page estimated at 2 credits of $1, committed while the parse runs
            assertThat(today()).containsEntry("requests", 1L);
            assertThat((BigDecimal) today().get("spent_usd")).isEqualByComparingTo("2");
            assertThat((BigDecimal) today().get("reserved_usd")).isEqualByComparingTo("0");
        }

        @Test
        void should_fail_the_job_with_llamaparse_words_when_it_rejects_the_document() {
            double rejectedBefore =
                    app.counted("docpipe_provider_calls_total", "service=\"llamaparse\"", "outcome=\"rejected\"");
            answerUploads(aResponse()
                    .withStatus(402)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"detail\":\"Insufficient credits\"}"));
            UUID job = uploaded("rejected.txt");

            claimParseWork();

            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("failed_parse");
            assertThat(row.get("not_before")).as("no automatic retry").isNull();
            assertThat((String) row.get("last_error")).contains("402").contains("Insufficient credits");
            assertThat(app.counted("docpipe_provider_calls_total", "service=\"llamaparse\"", "outcome=\"rejected\""))
                    .isEqualTo(rejectedBefore + 1);
            // the reservation was given back: nothing is booked for a refused upload
            assertThat((BigDecimal) today().get("spent_usd")).isEqualByComparingTo("0");
            assertThat((BigDecimal) today().get("reserved_usd")).isEqualByComparingTo("0");
        }

        @Test
        void should_let_the_job_wait_out_a_rate_limit_without_spending_an_attempt() {
            answerUploads(aResponse()
                    .withStatus(429)
                    .withHeader("retry-after-ms", "100")
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"detail\":\"Too many requests\"}"));
            UUID job = uploaded("rate-limited.txt");

            claimParseWork();

            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("uploaded");
            assertThat(row.get("attempts")).isEqualTo(0);
            assertThat(row.get("not_before")).isNotNull();
            assertThat(row.get("lease_owner")).isNull();
            assertThat(app.details(job))
                    .anySatisfy(detail -> assertThat(detail).contains("429").contains("waiting until"));
            assertThat((BigDecimal) today().get("spent_usd")).isEqualByComparingTo("0");
        }

        @Test
        void should_keep_the_estimate_booked_and_wait_for_the_webhook_when_the_upload_may_have_been_taken() {
            answerUploads(aResponse().withStatus(502).withBody("Bad gateway"));
            UUID job = uploaded("in-doubt.txt");

            claimParseWork();

            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("uploaded");
            assertThat(row.get("attempts")).isEqualTo(1);
            assertThat(row.get("parse_job_id")).isNull();
            assertThat(row.get("not_before")).isNotNull();
            assertThat(app.details(job))
                    .anySatisfy(
                            detail -> assertThat(detail).contains("in doubt").contains("its cost stays booked"));
            // the estimate stays committed: LlamaParse may be parsing (and charging for) the document
            assertThat((BigDecimal) today().get("spent_usd")).isEqualByComparingTo("2");
            assertThat(uploads()).isOne();
        }

        @Test
        void should_fail_the_job_for_a_later_retry_when_llamaparse_is_unavailable() {
            answerUploads(aResponse().withStatus(503).withBody("{\"detail\":\"down for maintenance\"}"));
            UUID job = uploaded("unavailable.txt");

            claimParseWork();

            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("failed_parse");
            assertThat(row.get("attempts")).isEqualTo(1);
            assertThat(row.get("not_before")).as("its next attempt").isNotNull();
            assertThat((String) row.get("last_error"))
                    .startsWith("attempt 1 of 5 failed")
                    .contains("503");
            assertThat((BigDecimal) today().get("spent_usd")).isEqualByComparingTo("0");
            assertThat((BigDecimal) today().get("reserved_usd")).isEqualByComparingTo("0");
        }

        @Test
        void should_reschedule_the_job_to_the_next_day_without_calling_llamaparse_when_the_budget_is_spent() {
            spendTodaysBudget();
            double refusalsBefore = app.counted("docpipe_budget_refusals_total", "service=\"llamaparse\"");
            UUID job = uploaded("over-budget.txt");

            claimParseWork();

            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("uploaded");
            assertThat(((Timestamp) row.get("rescheduled_until")).toInstant())
                    .isEqualTo(LocalDate.now(ZoneOffset.UTC)
                            .plusDays(1)
                            .atStartOfDay()
                            .toInstant(ZoneOffset.UTC));
            assertThat(app.details(job)).anySatisfy(detail -> assertThat(detail)
                    .contains("llamaparse daily budget of $100")
                    .contains("rescheduled to"));
            assertThat(uploads()).isZero();
            assertThat(app.counted("docpipe_budget_refusals_total", "service=\"llamaparse\""))
                    .isGreaterThan(refusalsBefore);
        }

        @Test
        void should_store_a_ready_result_and_replace_the_estimate_by_the_credits_llamaparse_reports() {
            UUID job = submitted("ready.txt");

            fetchParseResult(job);

            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("parsed");
            assertThat(row.get("parse_estimate_usd")).isNull();
            // estimated 1 page x 2 credits = $2 at submission; LlamaParse reported 2 pages x 3 credits = $6
            assertThat((BigDecimal) row.get("cost_usd")).isEqualByComparingTo("6");
            assertThat((BigDecimal) today().get("spent_usd")).isEqualByComparingTo("6");
            assertThat(app.details(job)).contains("parsed by LlamaParse: 2 pages, 6 credits");
            assertThat(app.sql()
                            .queryForObject(
                                    "SELECT d.parse_provider FROM documents d JOIN jobs j ON j.document_id = d.id "
                                            + "WHERE j.id = ?",
                                    String.class,
                                    job))
                    .isEqualTo("llamaparse");
        }

        @Test
        void should_leave_a_job_llamaparse_is_still_parsing_in_its_queue_to_be_asked_again() {
            UUID job = submitted("still-running.txt");
            String parseJobId = (String) app.job(job).get("parse_job_id");
            providers
                    .server()
                    .stubFor(get(urlPathEqualTo(GENERATION.jobPath(parseJobId)))
                            .atPriority(1)
                            .willReturn(aResponse()
                                    .withStatus(200)
                                    .withHeader("Content-Type", "application/json")
                                    .withBody(LlamaParseV2Wire.status(parseJobId, "RUNNING", "cost_effective", null))));

            fetchParseResult(job);

            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("parse_queued");
            assertThat(row.get("parse_job_id")).isEqualTo(parseJobId);
            assertThat(row.get("attempts")).isEqualTo(0);
            // asked again after the poll interval, by the overdue poll: the ready mark is gone
            assertThat(row.get("parse_ready_at")).isNull();
            assertThat(providers.server().findAll(getRequestedFor(urlPathEqualTo(GENERATION.jobPath(parseJobId)))))
                    .hasSize(1);
        }

        @Test
        void should_fail_a_job_whose_llamaparse_parse_ended_badly_and_forget_that_parse() {
            UUID job = submitted("failed.txt");
            String parseJobId = (String) app.job(job).get("parse_job_id");
            providers
                    .server()
                    .stubFor(get(urlPathEqualTo(GENERATION.jobPath(parseJobId)))
                            .atPriority(1)
                            .willReturn(aResponse()
                                    .withStatus(200)
                                    .withHeader("Content-Type", "application/json")
                                    .withBody(GENERATION.endedAnswer(parseJobId, "FAILED", "the file is corrupt"))));

            fetchParseResult(job);

            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("failed_parse");
            assertThat(row.get("not_before")).as("no automatic retry").isNull();
            assertThat((String) row.get("last_error"))
                    .contains("LlamaParse job ended FAILED")
                    .contains("the file is corrupt");
            // a manual retry uploads again instead of reading the failed parse
            assertThat(row.get("parse_job_id")).isNull();
        }
    }

    /** LLAMAPARSE_MODE=hybrid: LlamaParse, and the mock while LlamaParse is down or over its budget. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class HybridMode extends ParseStage {

        @Configure
        void configure(MainConfigurationProperties main) {
            boot(main, "hybrid");
        }

        @Test
        void should_submit_to_llamaparse_while_it_is_up_and_within_its_budget() {
            UUID job = uploaded("hybrid.txt");

            claimParseWork();

            assertThat(app.job(job).get("status")).isEqualTo("parse_queued");
            assertThat(app.job(job).get("parse_job_id")).isNotNull();
            assertThat(uploads()).isOne();
        }

        @Test
        void should_parse_with_the_mock_when_llamaparse_is_over_its_budget() {
            spendTodaysBudget();
            UUID job = uploaded("hybrid-over-budget.txt");

            claimParseWork();

            assertParsedByTheMock(job);
            assertThat(app.details(job))
                    .contains("llamaparse daily budget of $100 cannot take $2 more; the mock stands in");
            assertThat(uploads()).isZero();
            // the day's budget held: nothing more was reserved or spent
            assertThat((BigDecimal) today().get("spent_usd")).isEqualByComparingTo("100");
            assertThat((BigDecimal) today().get("reserved_usd")).isEqualByComparingTo("0");
        }

        @Test
        void should_parse_with_the_mock_while_llamaparse_is_down() {
            CircuitBreaker breaker = app.bean("llamaparseCircuitBreaker", CircuitBreaker.class);
            breaker.transitionToForcedOpenState();
            try {
                UUID job = uploaded("hybrid-down.txt");

                claimParseWork();

                assertParsedByTheMock(job);
                assertThat(uploads()).isZero();
            } finally {
                breaker.transitionToClosedState();
            }
        }

        @Test
        void should_fail_the_job_for_a_later_retry_when_one_call_fails_while_llamaparse_counts_as_up() {
            answerUploads(aResponse().withStatus(500).withBody("{\"detail\":\"oops\"}"));
            UUID job = uploaded("hybrid-one-failure.txt");

            claimParseWork();

            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("failed_parse");
            assertThat(row.get("attempts")).isEqualTo(1);
            assertThat(row.get("not_before")).isNotNull();
            assertThat(app.details(job)).noneMatch(detail -> detail.startsWith("parsed locally"));
        }

        private void assertParsedByTheMock(UUID job) {
            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("parsed");
            assertThat(row.get("parse_job_id")).isNull();
            assertThat(app.details(job)).anyMatch(detail -> detail.startsWith("parsed locally: "));
            assertThat(app.sql()
                            .queryForObject(
                                    "SELECT d.parse_provider FROM documents d JOIN jobs j ON j.document_id = d.id "
                                            + "WHERE j.id = ?",
                                    String.class,
                                    job))
                    .isEqualTo("mock");
        }
    }

    /** LLAMAPARSE_MODE=mock: Apache Tika, locally; LlamaParse is never asked. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class MockMode extends ParseStage {

        @Configure
        void configure(MainConfigurationProperties main) {
            boot(main, "mock");
        }

        @Test
        void should_parse_the_document_locally_and_hand_it_to_the_chunk_stage() {
            UUID job = uploaded("mock.txt");

            claimParseWork();

            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("parsed");
            assertThat(row.get("lease_owner")).isNull();
            assertThat(app.sql()
                            .queryForList(
                                    "SELECT to_status FROM job_events WHERE job_id = ? ORDER BY id", String.class, job))
                    .containsSubsequence("parse_queued", "parsed");
            assertThat(app.details(job)).anyMatch(detail -> detail.startsWith("parsed locally: "));
            assertThat(providers.server().getAllServeEvents()).isEmpty();
            assertThat(app.count("SELECT count(*) FROM cost_ledger")).isZero();
        }

        @Test
        void should_fail_a_document_without_text_for_good() {
            UUID job = UUID.fromString(
                    app.upload("blank.txt", "   \n\n   ").path("job_id").asText());

            claimParseWork();

            Map<String, Object> row = app.job(job);
            assertThat(row.get("status")).isEqualTo("failed_parse");
            assertThat(row.get("not_before")).isNull();
            assertThat((String) row.get("last_error")).contains("no extractable text");
        }
    }

    /** One boot of docpipe in one LLAMAPARSE_MODE, and what its tests share. */
    abstract static class ParseStage {

        static final LlamaParseGeneration GENERATION = LlamaParseGeneration.V2;

        RouteTestDocpipe app;
        ProviderStandIns providers;

        @BeanInject
        CamelContext context;

        void boot(MainConfigurationProperties main, String mode) {
            providers = ProviderStandIns.start(GENERATION);
            Map<String, String> properties = providers.propertiesWithClosedCircuit(mode, "mock");
            // prices in whole dollars: a page is estimated at 2 credits of $1, the stand-in reports 3 a page
            properties.put("docpipe.llamaparse.usd-per-credit", "1");
            properties.put("docpipe.llamaparse.credits-per-page", "2");
            properties.put("docpipe.llamaparse.daily-budget-usd", "100");
            // no test here is about a timeout: the first call of a cold JVM on a busy machine must not be one
            properties.put("docpipe.llamaparse.response-timeout-ms", "30000");
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

        /** LlamaParse answers every upload so (over the stand-ins' happy path). */
        void answerUploads(ResponseDefinitionBuilder answer) {
            providers
                    .server()
                    .stubFor(post(urlPathEqualTo(GENERATION.uploadPath()))
                            .atPriority(1)
                            .willReturn(answer));
        }

        UUID uploaded(String name) {
            return UUID.fromString(app.upload(name, "A document for the parse stage: " + name + " " + UUID.randomUUID())
                    .path("job_id")
                    .asText());
        }

        /** An uploaded job LlamaParse has taken: parse_queued with its LlamaParse job, waiting for the webhook. */
        UUID submitted(String name) {
            UUID job = uploaded(name);
            claimParseWork();
            assertThat(app.job(job).get("status")).isEqualTo("parse_queued");
            return job;
        }

        List<Map<String, Object>> claimParseWork() {
            return app.claim("claim-parse-work", CLAIM_PARSE, false);
        }

        /** Marks the job's result ready, as its webhook does, and runs the fetch claim. */
        void fetchParseResult(UUID job) {
            app.sql().update("UPDATE jobs SET parse_ready_at = now() WHERE id = ?", job);
            assertThat(app.claim("claim-fetch-work", CLAIM_FETCH, false))
                    .extracting(row -> row.get("id"))
                    .containsExactly(job);
        }

        /** Another submission spent today's LlamaParse budget. */
        void spendTodaysBudget() {
            app.sql()
                    .update("INSERT INTO cost_ledger (service, day, spent_usd, budget_usd) VALUES "
                            + "('llamaparse', (now() AT TIME ZONE 'UTC')::date, 100, 100)");
        }

        Map<String, Object> today() {
            return app.sql()
                    .queryForMap("SELECT requests, spent_usd, reserved_usd FROM cost_ledger "
                            + "WHERE service = 'llamaparse' AND day = (now() AT TIME ZONE 'UTC')::date");
        }

        int uploads() {
            return providers
                    .server()
                    .findAll(postRequestedFor(urlPathEqualTo(GENERATION.uploadPath())))
                    .size();
        }
    }
}
