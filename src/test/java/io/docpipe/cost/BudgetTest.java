package io.docpipe.cost;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.docpipe.testsupport.LlamaParseGeneration;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.testsupport.TestClock;
import io.docpipe.testsupport.TestPostgres;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Daily budgets and hourly caps against the provider stand-ins: however many workers and instances reserve at once,
 * the ledger never commits past a budget; jobs over it are rescheduled to the next window (real) or go to the mock
 * (hybrid), and finish once the window opens. Prices are raised to whole dollars so the sums are easy to read.
 * Which branch a stage takes over its budget (the mock in hybrid mode, a reschedule in real mode) and how a
 * LlamaParse estimate is replaced by the reported credits are checked at route level, in ParseRoutesTest and
 * EmbedRoutesTest, without a boot each.
 */
class BudgetTest {

    @Test
    void should_never_pass_the_openai_budget_with_two_instances_and_finish_the_rest_the_next_day() throws Exception {
        TestClock clock = new TestClock();
        try (ProviderStandIns providers = ProviderStandIns.start()) {
            Map<String, String> properties = openAiPricedPerToken(providers, "real", "40");
            String database = TestPostgres.newDatabase();
            try (RunningDocpipe first = RunningDocpipe.start(database, properties, Map.of("docpipeClock", clock));
                    // several instances share the database and the document store
                    RunningDocpipe second = RunningDocpipe.start(
                            database, withDataDir(properties, first), Map.of("docpipeClock", clock))) {
                List<String> jobs = uploadAndHoldBeforeEmbedding(first, List.of(first, second), 10);
                startEmbedding(first, second);

                // every job is either done or rescheduled to the next UTC midnight, and the day's budget held
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> count(
                                        first,
                                        "SELECT count(*) FROM jobs WHERE status = 'complete' OR rescheduled_until IS NOT NULL")
                                == 10);
                int completeOnDayOne = count(first, "SELECT count(*) FROM jobs WHERE status = 'complete'");
                assertThat(completeOnDayOne).isBetween(1, 9);
                assertLedgerWithinBudget(first, "openai");
                Instant midnight = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
                        .plusDays(1)
                        .atStartOfDay()
                        .toInstant(ZoneOffset.UTC);
                assertThat(first.sql()
                                .queryForList(
                                        "SELECT rescheduled_until FROM jobs WHERE rescheduled_until IS NOT NULL",
                                        Timestamp.class))
                        .allSatisfy(until -> assertThat(until.toInstant()).isEqualTo(midnight));
                assertThat(first.sql()
                                .queryForList(
                                        "SELECT status FROM jobs WHERE rescheduled_until IS NOT NULL", String.class))
                        .containsOnly("embedding_queued");
                String waiting = first.sql()
                        .queryForObject(
                                "SELECT id FROM jobs WHERE rescheduled_until IS NOT NULL LIMIT 1", String.class);
                JsonNode view = first.get("/api/v1/jobs/" + waiting).json();
                assertThat(view.path("status").asText()).isEqualTo("embedding_queued");
                assertThat(view.path("next_attempt_at").asText()).isEqualTo(midnight.toString());
                assertThat(view.path("rescheduled_until").asText()).isEqualTo(midnight.toString());
                assertThat(first.sql()
                                .queryForList(
                                        "SELECT detail FROM job_events WHERE detail LIKE '%rescheduled to%'",
                                        String.class))
                        .isNotEmpty()
                        .allSatisfy(detail -> assertThat(detail)
                                .contains("openai daily budget of $40")
                                .contains("rescheduled to " + midnight));

                // the next days: the release sweep lets the rest go on, each day within its budget
                for (int day = 0;
                        day < 4 && count(first, "SELECT count(*) FROM jobs WHERE status = 'complete'") < 10;
                        day++) {
                    clock.advance(Duration.ofDays(1));
                    int before = count(first, "SELECT count(*) FROM jobs WHERE status = 'complete'");
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> count(first, "SELECT count(*) FROM jobs WHERE status = 'complete'") > before
                                    && count(
                                                    first,
                                                    "SELECT count(*) FROM jobs WHERE status <> 'complete' AND rescheduled_until IS NULL")
                                            == 0);
                }
                for (String job : jobs) {
                    first.awaitJobStatus(job, "complete", Duration.ofSeconds(10));
                }
                assertLedgerWithinBudget(first, "openai");
                assertThat(count(first, "SELECT count(*) FROM cost_ledger WHERE service = 'openai'"))
                        .isGreaterThan(1);
                assertThat(first.sql().queryForObject("SELECT sum(spent_usd) FROM cost_ledger", BigDecimal.class))
                        .isEqualByComparingTo(
                                first.sql().queryForObject("SELECT sum(cost_usd) FROM jobs", BigDecimal.class));
                assertThat(first.sql().queryForList("SELECT DISTINCT provider FROM embeddings", String.class))
                        .containsOnly("openai");
            }
        }
    }

    @Test
    void should_release_rescheduled_jobs_at_once_when_restarted_with_a_larger_budget() throws Exception {
        try (ProviderStandIns providers = ProviderStandIns.start()) {
            String database = TestPostgres.newDatabase();
            List<String> jobs;
            Path dataDir;
            try (RunningDocpipe before =
                    RunningDocpipe.start(database, openAiPricedPerToken(providers, "real", "20"))) {
                dataDir = before.dataDir();
                jobs = uploadAndHoldBeforeEmbedding(before, List.of(before), 5);
                startEmbedding(before);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> count(
                                        before,
                                        "SELECT count(*) FROM jobs WHERE status = 'complete' OR rescheduled_until IS NOT NULL")
                                == 5);
                assertThat(count(before, "SELECT count(*) FROM jobs WHERE rescheduled_until IS NOT NULL"))
                        .isPositive();
            }
            Map<String, String> raised = openAiPricedPerToken(providers, "real", "1000");
            raised.put("docpipe.data-dir", dataDir.toString());
            try (RunningDocpipe after = RunningDocpipe.start(database, raised)) {
                for (String job : jobs) {
                    after.awaitJobStatus(job, "complete", Duration.ofSeconds(30));
                }
                assertThat(after.sql()
                                .queryForList(
                                        "SELECT detail FROM job_events WHERE detail LIKE 'daily budget raised%'",
                                        String.class))
                        .isNotEmpty();
                assertThat(after.sql()
                                .queryForObject(
                                        "SELECT budget_usd FROM cost_ledger WHERE service = 'openai'",
                                        BigDecimal.class))
                        .isEqualByComparingTo("1000");
            }
        }
    }

    @Test
    void should_embed_with_the_mock_over_budget_in_hybrid_mode_and_upgrade_the_vectors_the_next_day() throws Exception {
        TestClock clock = new TestClock();
        try (ProviderStandIns providers = ProviderStandIns.start()) {
            Map<String, String> properties = openAiPricedPerToken(providers, "hybrid", "25");
            properties.put("docpipe.openai.reembed-chunks-per-run", "1");
            try (RunningDocpipe app =
                    RunningDocpipe.start(TestPostgres.newDatabase(), properties, Map.of("docpipeClock", clock))) {
                List<String> jobs = uploadAndHoldBeforeEmbedding(app, List.of(app), 6);
                startEmbedding(app);
                for (String job : jobs) {
                    app.awaitJobStatus(job, "complete", Duration.ofSeconds(30));
                }
                assertLedgerWithinBudget(app, "openai");
                assertThat(count(app, "SELECT count(*) FROM embeddings WHERE fallback"))
                        .isPositive();
                assertThat(count(app, "SELECT count(*) FROM embeddings WHERE NOT fallback"))
                        .isPositive();
                assertThat(count(app, "SELECT count(*) FROM jobs WHERE rescheduled_until IS NOT NULL"))
                        .isZero();
                assertThat(count(
                                app,
                                "SELECT count(*) FROM job_events WHERE detail LIKE 'openai daily budget of $25 cannot take $%"
                                        + " more; the mock stands in'"))
                        .isPositive();

                int fallback = count(app, "SELECT count(*) FROM embeddings WHERE fallback");
                clock.advance(Duration.ofDays(1));
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> count(app, "SELECT count(*) FROM embeddings WHERE fallback") < fallback);
                assertLedgerWithinBudget(app, "openai");
            }
        }
    }

    @Test
    void should_reschedule_llamaparse_submissions_over_budget_and_settle_with_the_reported_credits() throws Exception {
        TestClock clock = new TestClock();
        try (ProviderStandIns providers = ProviderStandIns.start(LlamaParseGeneration.V1)) {
            Map<String, String> properties = new HashMap<>(providers.properties("real", "mock"));
            // the stand-in reports 6 credits for every parse; a page is estimated at 6 credits of $1: estimates are
            // exact
            properties.put("docpipe.llamaparse.usd-per-credit", "1");
            properties.put("docpipe.llamaparse.credits-per-page", "6");
            properties.put("docpipe.llamaparse.daily-budget-usd", "12");
            properties.put("docpipe.llamaparse.webhook-wait-seconds", "0");
            try (RunningDocpipe app =
                    RunningDocpipe.start(TestPostgres.newDatabase(), properties, Map.of("docpipeClock", clock))) {
                List<String> jobs = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    jobs.add(app.upload(
                                    "parse-" + i + ".txt",
                                    ("Parse me, document " + i + ".").getBytes(StandardCharsets.UTF_8))
                            .json()
                            .path("job_id")
                            .asText());
                }
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> count(app, "SELECT count(*) FROM jobs WHERE status = 'complete'") == 2
                                && count(app, "SELECT count(*) FROM jobs WHERE rescheduled_until IS NOT NULL") == 1);
                assertThat(app.sql()
                                .queryForObject(
                                        "SELECT status FROM jobs WHERE rescheduled_until IS NOT NULL", String.class))
                        .isEqualTo("uploaded");
                assertThat(providers.server().findAll(postRequestedFor(urlPathEqualTo("/api/v1/parsing/upload"))))
                        .hasSize(2);
                Map<String, Object> day = app.sql()
                        .queryForMap(
                                "SELECT requests, pages, spent_usd, reserved_usd FROM cost_ledger WHERE service = 'llamaparse'");
                assertThat(day.get("requests")).isEqualTo(2L);
                assertThat(day.get("pages")).isEqualTo(4L); // two pages reported per parse
                assertThat((BigDecimal) day.get("spent_usd")).isEqualByComparingTo("12");
                assertThat((BigDecimal) day.get("reserved_usd")).isEqualByComparingTo("0");

                clock.advance(Duration.ofDays(1));
                for (String job : jobs) {
                    app.awaitJobStatus(job, "complete", Duration.ofSeconds(30));
                }
                assertThat(app.sql()
                                .queryForList(
                                        "SELECT spent_usd FROM cost_ledger WHERE service = 'llamaparse' ORDER BY day",
                                        BigDecimal.class))
                        .usingElementComparator(BigDecimal::compareTo)
                        .containsExactly(new BigDecimal("12"), new BigDecimal("6"));
            }
        }
    }

    @Test
    void should_hold_the_hourly_request_cap_and_go_on_in_the_next_hour() throws Exception {
        TestClock clock = new TestClock();
        try (ProviderStandIns providers = ProviderStandIns.start()) {
            Map<String, String> properties = openAiPricedPerToken(providers, "real", "");
            properties.put("docpipe.openai.max-requests-per-hour", "2");
            try (RunningDocpipe app =
                    RunningDocpipe.start(TestPostgres.newDatabase(), properties, Map.of("docpipeClock", clock))) {
                List<String> jobs = uploadAndHoldBeforeEmbedding(app, List.of(app), 4);
                startEmbedding(app);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> count(app, "SELECT count(*) FROM jobs WHERE status = 'complete'") == 2
                                && count(app, "SELECT count(*) FROM jobs WHERE rescheduled_until IS NOT NULL") == 2);
                Instant nextHour = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
                assertThat(app.sql()
                                .queryForList(
                                        "SELECT rescheduled_until FROM jobs WHERE rescheduled_until IS NOT NULL",
                                        Timestamp.class))
                        .allSatisfy(until -> assertThat(until.toInstant()).isEqualTo(nextHour));
                assertThat(providers.server().findAll(postRequestedFor(urlPathEqualTo("/v1/embeddings"))))
                        .hasSize(2);

                clock.advance(Duration.ofHours(1));
                for (String job : jobs) {
                    app.awaitJobStatus(job, "complete", Duration.ofSeconds(30));
                }
                assertThat(providers.server().findAll(postRequestedFor(urlPathEqualTo("/v1/embeddings"))))
                        .hasSize(4);
            }
        }
    }

    @Test
    void should_raise_each_alert_once_and_deliver_it_to_the_alert_webhook_even_after_a_failure() throws Exception {
        try (ProviderStandIns providers = ProviderStandIns.start()) {
            // the alert receiver refuses its first delivery
            providers
                    .server()
                    .stubFor(post(urlPathEqualTo("/alerts"))
                            .inScenario("alerts")
                            .whenScenarioStateIs(Scenario.STARTED)
                            .willSetStateTo("up")
                            .willReturn(aResponse().withStatus(503)));
            providers
                    .server()
                    .stubFor(post(urlPathEqualTo("/alerts"))
                            .inScenario("alerts")
                            .whenScenarioStateIs("up")
                            .willReturn(aResponse().withStatus(200)));
            Map<String, String> properties = openAiPricedPerToken(providers, "real", "30");
            properties.put("docpipe.alert.webhook-url", providers.baseUrl() + "/alerts");
            properties.put("docpipe.alert.retry-seconds", "1");
            try (RunningDocpipe app = RunningDocpipe.start(properties)) {
                uploadAndHoldBeforeEmbedding(app, List.of(app), 8);
                startEmbedding(app);

                await().atMost(Duration.ofSeconds(30))
                        .until(() ->
                                count(app, "SELECT count(*) FROM budget_alerts WHERE delivered_at IS NOT NULL") == 3);
                assertThat(app.sql()
                                .queryForList(
                                        "SELECT threshold_percent FROM budget_alerts ORDER BY threshold_percent",
                                        Integer.class))
                        .containsExactly(50, 80, 100);
                assertThat(count(app, "SELECT max(delivery_attempts) FROM budget_alerts"))
                        .isGreaterThan(1);
                List<String> bodies = providers.server().findAll(postRequestedFor(urlPathEqualTo("/alerts"))).stream()
                        .map(request -> request.getBodyAsString())
                        .toList();
                assertThat(bodies).hasSize(4).anySatisfy(body -> assertThat(body)
                        .contains("\"threshold_percent\":100")
                        .contains("\"service\":\"openai\"")
                        .contains("openai daily budget exhausted"));
                assertThat(app.sql()
                                .queryForList(
                                        "SELECT detail FROM job_events WHERE detail LIKE 'budget alert:%'",
                                        String.class))
                        .hasSize(3);
            }
        }
    }

    static Map<String, String> withDataDir(Map<String, String> properties, RunningDocpipe sharing) {
        Map<String, String> shared = new HashMap<>(properties);
        shared.put("docpipe.data-dir", sharing.dataDir().toString());
        return shared;
    }

    /** OpenAI at $1 per token, so a small document costs a handful of dollars; one job per embeddings request. */
    static Map<String, String> openAiPricedPerToken(ProviderStandIns providers, String mode, String dailyBudgetUsd) {
        Map<String, String> properties = new HashMap<>(providers.properties("mock", mode));
        properties.put("docpipe.openai.usd-per-million-tokens", "1000000");
        properties.put("docpipe.openai.daily-budget-usd", dailyBudgetUsd);
        properties.put("docpipe.embed.claim-batch-size", "1");
        return properties;
    }

    /** Uploads small documents and lets them reach embedding_queued with every instance's embed claims stopped. */
    static List<String> uploadAndHoldBeforeEmbedding(RunningDocpipe app, List<RunningDocpipe> instances, int documents)
            throws Exception {
        for (RunningDocpipe instance : instances) {
            instance.context().getRouteController().stopRoute("claim-embed-work");
        }
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < documents; i++) {
            jobs.add(app.upload(
                            "budget-" + i + ".txt",
                            ("Budget document number " + i + " about vectors.").getBytes(StandardCharsets.UTF_8))
                    .json()
                    .path("job_id")
                    .asText());
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count(app, "SELECT count(*) FROM jobs WHERE status = 'embedding_queued'") == documents);
        return jobs;
    }

    static void startEmbedding(RunningDocpipe... instances) throws Exception {
        for (RunningDocpipe instance : instances) {
            instance.context().getRouteController().startRoute("claim-embed-work");
        }
    }

    static void assertLedgerWithinBudget(RunningDocpipe app, String service) {
        List<Map<String, Object>> days = app.sql()
                .queryForList(
                        "SELECT day, spent_usd, reserved_usd, budget_usd FROM cost_ledger WHERE service = ?", service);
        assertThat(days).isNotEmpty().allSatisfy(day -> {
            BigDecimal committed = ((BigDecimal) day.get("spent_usd")).add((BigDecimal) day.get("reserved_usd"));
            assertThat(committed).isPositive().isLessThanOrEqualTo((BigDecimal) day.get("budget_usd"));
        });
    }

    static int count(RunningDocpipe app, String sql) {
        Integer count = app.sql().queryForObject(sql, Integer.class);
        return count == null ? 0 : count;
    }
}
