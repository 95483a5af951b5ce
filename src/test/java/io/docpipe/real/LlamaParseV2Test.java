package io.docpipe.real;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.havingExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.docpipe.real.LlamaParseWebhooks.envelope;
import static io.docpipe.real.LlamaParseWebhooks.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.docpipe.testsupport.LlamaParseGeneration;
import io.docpipe.testsupport.LlamaParseV2Wire;
import io.docpipe.testsupport.LlamaParseV2Wire.Page;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.testsupport.SampleDocuments;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docpipe on LlamaParse Parse v2, its default, against a stand-in built from the reference's shapes: the create with
 * its configuration, a job through its webhook and through polling to {@code complete}, the expanded pages joined in
 * page order, pages that failed in a job that completed, a job that failed as a whole, an upload whose answer was lost,
 * the settings of tier and parser version, a 410 on a retired one, and the cost settled from the credits reported.
 */
class LlamaParseV2Test {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> EXPANDED = Set.of("markdown", "usage", "job_metadata");

    private static ProviderStandIns providers;
    private static RunningDocpipe app;

    @BeforeAll
    static void start() {
        providers = ProviderStandIns.start(LlamaParseGeneration.V2);
        Map<String, String> properties = new HashMap<>(providers.properties("real", "mock"));
        properties.remove("docpipe.llamaparse.api-version"); // v2 because it is the default
        properties.put("docpipe.public-base-url", "https://docpipe.example.test");
        // a job LlamaParse is still working on is asked again a second later
        properties.put("docpipe.llamaparse.poll-interval-seconds", "1");
        app = RunningDocpipe.start(properties);
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

    @Test
    void should_create_a_v2_job_with_its_configuration_and_complete_it_through_the_webhook() throws Exception {
        byte[] pdf = SampleDocuments.pdf();
        JsonNode receipt = app.upload("report.pdf", pdf).json();
        String parseJobId = RealModeEndToEndTest.awaitParseJob(app, receipt);

        LoggedRequest create = createRequestFor(receipt);
        assertThat(create.getHeader("Authorization")).isEqualTo("Bearer " + ProviderStandIns.LLAMAPARSE_KEY);
        assertThat(create.getPart("file").getBody().asBytes()).isEqualTo(pdf);
        JsonNode configuration =
                JSON.readTree(create.getPart("configuration").getBody().asString());
        assertThat(configuration.path("tier").asText()).isEqualTo("cost_effective");
        assertThat(configuration.path("version").asText()).isEqualTo("latest");
        JsonNode webhook = configuration.path("webhook_configurations").get(0);
        assertThat(webhook.path("webhook_url").asText())
                .isEqualTo("https://docpipe.example.test/api/v1/webhooks/llamaparse?correlation_id="
                        + receipt.path("correlation_id").asText());
        assertThat(webhook.path("webhook_signing_secret").asText()).isEqualTo(ProviderStandIns.WEBHOOK_SECRET);
        assertThat(webhook.path("webhook_events").toString())
                .contains("parse.success", "parse.error", "parse.cancelled");
        assertThat(parseJobId).startsWith("pjb-");

        RunningDocpipe.Response delivered =
                LlamaParseWebhooks.sendWithLcSignature(app, "", utf8(envelope("parse.success", parseJobId)));
        assertThat(delivered.json().path("status").asText()).isEqualTo("processed");

        JsonNode job = app.awaitJobStatus(receipt.path("job_id").asText(), "complete", Duration.ofSeconds(30));
        assertThat(job.path("events").findValuesAsText("detail")).contains("parsed by LlamaParse: 2 pages, 6 credits");
        assertThat(job.has("failed_pages")).isFalse();
        assertThat(chunkText(receipt)).isEqualTo(ProviderStandIns.PARSED_MARKDOWN);
        // status and result in one read, with the expand values as the SDKs send them
        List<LoggedRequest> reads = providers
                .server()
                .findAll(getRequestedFor(urlPathEqualTo("/api/v2/parse/" + parseJobId))
                        .withQueryParam("expand", havingExactly("markdown", "usage", "job_metadata")));
        assertThat(reads).hasSize(1);
        assertThat(app.sql()
                        .queryForMap(
                                "SELECT parse_provider, parse_pages, parse_credits FROM documents WHERE id = ?::uuid",
                                receipt.path("document_id").asText()))
                .containsEntry("parse_provider", "llamaparse")
                .containsEntry("parse_pages", 2);
    }

    @Test
    void should_poll_a_v2_job_while_it_is_pending_and_running_until_it_completes() {
        JsonNode receipt = app.upload("polled.txt", unique("Nobody calls back for this one."))
                .json();
        String parseJobId = RealModeEndToEndTest.awaitParseJob(app, receipt);
        // PENDING, then RUNNING; after that the stand-in's own answer: COMPLETED
        providers
                .server()
                .stubFor(get(urlPathEqualTo("/api/v2/parse/" + parseJobId))
                        .atPriority(1)
                        .inScenario("polled")
                        .whenScenarioStateIs(STARTED)
                        .willSetStateTo("running")
                        .willReturn(json(LlamaParseV2Wire.status(parseJobId, "PENDING", "cost_effective", null))));
        providers
                .server()
                .stubFor(get(urlPathEqualTo("/api/v2/parse/" + parseJobId))
                        .atPriority(1)
                        .inScenario("polled")
                        .whenScenarioStateIs("running")
                        .willSetStateTo("completed")
                        .willReturn(json(LlamaParseV2Wire.status(parseJobId, "RUNNING", "cost_effective", null))));

        JsonNode job = withoutWebhooks(
                () -> app.awaitJobStatus(receipt.path("job_id").asText(), "complete", Duration.ofSeconds(60)));

        assertThat(providers.server().findAll(getRequestedFor(urlPathEqualTo("/api/v2/parse/" + parseJobId))))
                .hasSize(3);
        assertThat(job.path("attempts").asInt()).isZero();
        assertThat(job.path("events").findValuesAsText("to_status")).doesNotContain("failed_parse");
        assertThat(chunkText(receipt)).isEqualTo(ProviderStandIns.PARSED_MARKDOWN);
    }

    @Test
    void should_join_the_expanded_pages_in_page_order() {
        JsonNode receipt = app.upload("three-pages.txt", unique("Three pages, answered out of order."))
                .json();
        String parseJobId = RealModeEndToEndTest.awaitParseJob(app, receipt);
        stubResult(
                parseJobId,
                List.of(
                        Page.ok(3, "Third page: the end."),
                        Page.ok(1, "# First page\n\nThe beginning."),
                        Page.ok(2, "Second page: the middle.")));

        LlamaParseWebhooks.sendWithLcSignature(app, "", utf8(envelope("parse.success", parseJobId)));

        app.awaitJobStatus(receipt.path("job_id").asText(), "complete", Duration.ofSeconds(30));
        assertThat(chunkText(receipt))
                .isEqualTo("# First page\n\nThe beginning.\n\n---\n\nSecond page: the middle.\n\n---\n\n"
                        + "Third page: the end.");
    }

    @Test
    void should_store_the_pages_that_succeeded_and_record_the_pages_that_failed() {
        JsonNode receipt = app.upload("partly.txt", unique("Some of my pages cannot be read."))
                .json();
        String parseJobId = RealModeEndToEndTest.awaitParseJob(app, receipt);
        stubResult(
                parseJobId,
                List.of(
                        Page.ok(1, "Page one reads fine."),
                        Page.failed(2, "Timed out while parsing the page"),
                        Page.ok(3, "Page three reads fine."),
                        Page.failed(4, "Image could not be decoded")));

        LlamaParseWebhooks.sendWithLcSignature(app, "", utf8(envelope("parse.success", parseJobId)));

        JsonNode job = app.awaitJobStatus(receipt.path("job_id").asText(), "complete", Duration.ofSeconds(30));
        assertThat(job.path("failed_pages").toString()).isEqualTo("[2,4]");
        assertThat(job.path("events").findValuesAsText("detail"))
                .contains("parsed by LlamaParse: 4 pages, 12 credits; "
                        + "pages 2, 4 failed (Timed out while parsing the page), stored without them");
        assertThat(chunkText(receipt)).isEqualTo("Page one reads fine.\n\n---\n\nPage three reads fine.");
        assertThat(app.get("/api/v1/jobs?status=complete&limit=1000")
                        .json()
                        .path("jobs")
                        .findValues("failed_pages"))
                .hasSize(1);
    }

    @Test
    void should_fail_a_job_that_failed_as_a_whole_with_llamaparse_message_and_upload_again_on_a_retry() {
        JsonNode receipt = app.upload("protected.txt", unique("A document LlamaParse cannot open."))
                .json();
        String jobId = receipt.path("job_id").asText();
        String parseJobId = RealModeEndToEndTest.awaitParseJob(app, receipt);
        providers
                .server()
                .stubFor(get(urlPathEqualTo("/api/v2/parse/" + parseJobId))
                        .atPriority(1)
                        .willReturn(json(LlamaParseV2Wire.status(
                                parseJobId, "FAILED", "cost_effective", "The document is password protected"))));

        LlamaParseWebhooks.sendWithLcSignature(app, "", utf8(envelope("parse.error", parseJobId)));

        JsonNode job = app.awaitJobStatus(jobId, "failed_parse", Duration.ofSeconds(30));
        assertThat(job.path("last_error").asText())
                .isEqualTo("LlamaParse job ended FAILED - The document is password protected");
        assertThat(job.path("dead").asBoolean()).isTrue();
        assertThat(job.path("parse_job_id").isNull()).isTrue();

        // the LlamaParse job is over: a manual retry creates a new one, which completes
        assertThat(app.post("/api/v1/jobs/" + jobId + "/retry").status()).isEqualTo(202);
        String second = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> app.get("/api/v1/jobs/" + jobId)
                                .json()
                                .path("parse_job_id")
                                .asText(null),
                        id -> id != null);
        assertThat(second).isNotEqualTo(parseJobId);
        LlamaParseWebhooks.sendWithLcSignature(app, "", utf8(envelope("parse.success", second)));
        app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(30));
    }

    @Test
    void should_adopt_the_v2_job_of_a_create_whose_answer_was_lost() {
        String parseJobId = "pjb-accepted-" + UUID.randomUUID();
        // LlamaParse creates the job, but its answer comes after docpipe stopped waiting for it (2 s)
        providers
                .server()
                .stubFor(post(urlPathEqualTo("/api/v2/parse/upload"))
                        .atPriority(1)
                        .willReturn(json(LlamaParseV2Wire.created(parseJobId, "cost_effective"))
                                .withFixedDelay(3000)));
        JsonNode receipt = app.upload("lost-answer.txt", unique("Its create answer is lost."))
                .json();
        String jobId = receipt.path("job_id").asText();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> app.get("/api/v1/jobs/" + jobId).json().path("events").findValuesAsText("detail").stream()
                        .anyMatch(d -> d.contains("in doubt")));

        RunningDocpipe.Response delivered = LlamaParseWebhooks.sendWithLcSignature(
                app,
                "?correlation_id=" + receipt.path("correlation_id").asText(),
                utf8(envelope("parse.success", parseJobId)));
        assertThat(delivered.json().path("status").asText()).isEqualTo("processed");

        JsonNode job = app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(30));
        assertThat(job.path("parse_job_id").asText()).isEqualTo(parseJobId);
        assertThat(job.path("events").findValuesAsText("detail")).anyMatch(d -> d.startsWith("adopted LlamaParse job"));
        assertThat(providers.server().findAll(postRequestedFor(urlPathEqualTo("/api/v2/parse/upload"))).stream()
                        .filter(r -> r.getPart("configuration")
                                .getBody()
                                .asString()
                                .contains(receipt.path("correlation_id").asText())))
                .hasSize(1);
    }

    @Test
    void should_estimate_by_the_tier_and_settle_with_the_credits_the_job_reports() throws Exception {
        Map<String, String> properties = new HashMap<>(providers.properties("real", "mock"));
        properties.put("docpipe.public-base-url", "https://docpipe.example.test");
        properties.put("docpipe.llamaparse.tier", "agentic");
        properties.put("docpipe.llamaparse.parser-version", "2026-08-19");
        properties.put("docpipe.llamaparse.daily-budget-usd", "5");
        try (RunningDocpipe dated = RunningDocpipe.start(properties)) {
            JsonNode receipt =
                    dated.upload("agentic.txt", unique("Parsed by an agent.")).json();
            String jobId = receipt.path("job_id").asText();
            String parseJobId = RealModeEndToEndTest.awaitParseJob(dated, receipt);
            JsonNode configuration = JSON.readTree(
                    createRequestFor(receipt).getPart("configuration").getBody().asString());
            assertThat(configuration.path("tier").asText()).isEqualTo("agentic");
            assertThat(configuration.path("version").asText()).isEqualTo("2026-08-19");
            // one page at agentic's 10 credits of $0.00125 is booked while LlamaParse works
            assertThat(dated.sql()
                            .queryForObject(
                                    "SELECT parse_estimate_usd FROM jobs WHERE id = ?::uuid", BigDecimal.class, jobId))
                    .isEqualByComparingTo("0.0125");
            // the job reports 27 credits for its 2 pages (more than the tier's rate: an extra of the parse)
            providers
                    .server()
                    .stubFor(get(urlPathEqualTo("/api/v2/parse/" + parseJobId))
                            .atPriority(1)
                            .willReturn(json(LlamaParseV2Wire.get(
                                    parseJobId,
                                    "COMPLETED",
                                    "agentic",
                                    null,
                                    LlamaParseV2Wire.standardPages(),
                                    EXPANDED,
                                    27))));

            LlamaParseWebhooks.sendWithLcSignature(dated, "", utf8(envelope("parse.success", parseJobId)));

            JsonNode job = dated.awaitJobStatus(jobId, "complete", Duration.ofSeconds(30));
            assertThat(job.path("cost_usd").decimalValue()).isEqualByComparingTo("0.03375");
            assertThat(job.path("events").findValuesAsText("detail"))
                    .contains("parsed by LlamaParse: 2 pages, 27 credits");
            JsonNode costs = dated.get("/api/v1/costs").json().path("services").path("llamaparse");
            assertThat(costs.path("requests").asLong()).isEqualTo(1);
            assertThat(costs.path("pages").asLong()).isEqualTo(2);
            assertThat(costs.path("cost_usd").decimalValue()).isEqualByComparingTo("0.03375");
            assertThat(costs.path("reserved_usd").decimalValue()).isEqualByComparingTo("0");
            assertThat(costs.path("remaining_usd").decimalValue()).isEqualByComparingTo("4.96625");
        }
    }

    @Test
    void should_fail_for_good_on_a_retired_parser_version_and_name_it() {
        Map<String, String> properties = new HashMap<>(providers.properties("real", "mock"));
        properties.put("docpipe.llamaparse.parser-version", "2025-12-11");
        providers
                .server()
                .stubFor(post(urlPathEqualTo("/api/v2/parse/upload"))
                        .atPriority(1)
                        .willReturn(aResponse()
                                .withStatus(410)
                                .withHeader("Content-Type", "application/json")
                                .withBody("{\"detail\":\"Parser version 2025-12-11 has been retired\"}")));
        try (RunningDocpipe dated = RunningDocpipe.start(properties)) {
            JsonNode job = dated.awaitJobStatus(
                    dated.upload("old.txt", unique("An old parser."))
                            .json()
                            .path("job_id")
                            .asText(),
                    "failed_parse",
                    Duration.ofSeconds(30));

            assertThat(job.path("last_error").asText())
                    .isEqualTo("LlamaParse rejected the request (HTTP 410): http_410 - "
                            + "LlamaParse retired an option docpipe sends (LLAMAPARSE_PARSER_VERSION=2025-12-11): "
                            + "Parser version 2025-12-11 has been retired");
            assertThat(job.path("dead").asBoolean()).isTrue();
            assertThat(providers.server().findAll(postRequestedFor(urlPathEqualTo("/api/v2/parse/upload"))))
                    .hasSize(1);
        }
    }

    @Test
    void should_read_the_text_pages_on_the_fast_tier() {
        Map<String, String> properties = new HashMap<>(providers.properties("real", "mock"));
        properties.put("docpipe.llamaparse.tier", "fast");
        properties.put("docpipe.llamaparse.webhook-wait-seconds", "0");
        try (RunningDocpipe fast = RunningDocpipe.start(properties)) {
            JsonNode receipt =
                    fast.upload("fast.txt", unique("Fast and plain.")).json();
            JsonNode job = fast.awaitJobStatus(receipt.path("job_id").asText(), "complete", Duration.ofSeconds(30));

            // fast offers no Markdown: its text pages, at 1 credit each
            assertThat(job.path("events").findValuesAsText("detail"))
                    .contains("parsed by LlamaParse: 2 pages, 2 credits");
            assertThat(providers
                            .server()
                            .findAll(getRequestedFor(urlPathEqualTo("/api/v2/parse/"
                                            + job.path("parse_job_id").asText()))
                                    .withQueryParam("expand", havingExactly("text", "usage", "job_metadata"))))
                    .hasSize(1);
            assertThat(fast.get("/api/v1/documents/"
                                    + receipt.path("document_id").asText() + "/chunks")
                            .body())
                    .contains("The second page has more text about vectors.");
        }
    }

    private static void stubResult(String parseJobId, List<Page> pages) {
        providers
                .server()
                .stubFor(get(urlPathEqualTo("/api/v2/parse/" + parseJobId))
                        .atPriority(1)
                        .willReturn(json(LlamaParseV2Wire.get(
                                parseJobId, "COMPLETED", "cost_effective", null, pages, EXPANDED))));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }

    private static LoggedRequest createRequestFor(JsonNode receipt) {
        return providers.server().findAll(postRequestedFor(urlPathEqualTo("/api/v2/parse/upload"))).stream()
                .filter(r -> r.getPart("configuration")
                        .getBody()
                        .asString()
                        .contains(receipt.path("correlation_id").asText()))
                .findFirst()
                .orElseThrow();
    }

    /** The document's chunks' text, which for these short documents is one chunk: the parsed Markdown. */
    private static String chunkText(JsonNode receipt) {
        JsonNode chunks = app.get(
                        "/api/v1/documents/" + receipt.path("document_id").asText() + "/chunks")
                .json()
                .path("chunks");
        assertThat(chunks.size()).isEqualTo(1);
        return chunks.get(0).path("text").asText();
    }

    /** Runs {@code action} with the overdue poll asking LlamaParse at once (no webhook comes), then restores the wait. */
    private static <T> T withoutWebhooks(java.util.function.Supplier<T> action) {
        app.context().getPropertiesComponent().addOverrideProperty("docpipe.llamaparse.webhook-wait-seconds", "0");
        try {
            return action.get();
        } finally {
            app.context()
                    .getPropertiesComponent()
                    .addOverrideProperty("docpipe.llamaparse.webhook-wait-seconds", "300");
        }
    }

    private static byte[] unique(String text) {
        return (text + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    }
}
