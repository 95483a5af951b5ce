package io.docpipe.real;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.docpipe.real.LlamaParseWebhooks.envelope;
import static io.docpipe.real.LlamaParseWebhooks.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.docpipe.testsupport.LlamaParseGeneration;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.testsupport.SampleDocuments;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docpipe in {@code real} mode against stand-ins that speak LlamaParse's and OpenAI's wire formats: upload, a
 * LlamaParse job, a signed webhook (each header form and body shape), the result fetched from the API, chunks,
 * OpenAI batches, complete.
 */
class RealModeEndToEndTest {

    private static ProviderStandIns providers;
    private static RunningDocpipe app;

    @BeforeAll
    static void start() {
        providers = ProviderStandIns.start(LlamaParseGeneration.V1);
        Map<String, String> properties = new java.util.HashMap<>(providers.properties("real", "real"));
        properties.put("docpipe.public-base-url", "https://docpipe.example.test/");
        app = RunningDocpipe.start(properties);
    }

    @AfterAll
    static void stop() {
        app.close();
        providers.close();
    }

    @Test
    void should_parse_with_llamaparse_after_an_lc_signed_envelope_and_embed_with_openai() throws Exception {
        byte[] pdf = SampleDocuments.pdf();
        JsonNode receipt = app.upload("report.pdf", pdf).json();
        String parseJobId = awaitParseJob(receipt);

        LoggedRequest upload = lastUploadFor(receipt);
        assertThat(upload.getHeader("Authorization")).isEqualTo("Bearer " + ProviderStandIns.LLAMAPARSE_KEY);
        assertThat(upload.getPart("file").getBody().asBytes()).isEqualTo(pdf);
        JsonNode webhook = new ObjectMapper()
                .readTree(upload.getPart("webhook_configurations").getBody().asString())
                .get(0);
        assertThat(webhook.path("webhook_url").asText())
                .isEqualTo("https://docpipe.example.test/api/v1/webhooks/llamaparse?correlation_id="
                        + receipt.path("correlation_id").asText());
        assertThat(webhook.path("webhook_signing_secret").asText()).isEqualTo(ProviderStandIns.WEBHOOK_SECRET);

        RunningDocpipe.Response delivered =
                LlamaParseWebhooks.sendWithLcSignature(app, "", utf8(envelope("parse.success", parseJobId)));
        assertThat(delivered.status()).as(delivered.body()).isEqualTo(200);

        JsonNode job = app.awaitJobStatus(receipt.path("job_id").asText(), "complete", Duration.ofSeconds(30));
        assertThat(job.path("cost_usd").decimalValue()).isPositive();
        assertThat(job.path("events").findValuesAsText("detail"))
                .anyMatch(d -> d.contains("parsed by LlamaParse: 2 pages, 6 credits"));
        JsonNode chunks = app.get(
                        "/api/v1/documents/" + receipt.path("document_id").asText() + "/chunks")
                .json()
                .path("chunks");
        assertThat(chunks.size()).isPositive();
        assertThat(chunks.get(0).path("text").asText()).contains("Parsed by LlamaParse");
        for (JsonNode chunk : chunks) {
            assertThat(chunk.path("embedding").path("provider").asText()).isEqualTo("openai");
            assertThat(chunk.path("embedding").path("model").asText()).isEqualTo("text-embedding-3-small");
            assertThat(chunk.path("embedding").path("dimensions").asInt()).isEqualTo(1536);
        }
        Map<String, Object> document = app.sql()
                .queryForMap(
                        "SELECT parse_provider, parse_pages, parse_credits FROM documents WHERE id = ?::uuid",
                        receipt.path("document_id").asText());
        assertThat(document).containsEntry("parse_provider", "llamaparse").containsEntry("parse_pages", 2);
        assertThat(app.sql()
                        .queryForObject(
                                "SELECT embedding_tokens FROM jobs WHERE id = ?::uuid",
                                Long.class,
                                receipt.path("job_id").asText()))
                .isPositive();
    }

    @Test
    void should_accept_the_plain_signature_header_with_a_parse_job_id_body() {
        JsonNode receipt = app.upload(
                        "notes.txt", "Notes for the plain signature form.".getBytes(StandardCharsets.UTF_8))
                .json();
        String parseJobId = awaitParseJob(receipt);

        String body = "{\"parse_job_id\":\"" + parseJobId + "\",\"correlation_id\":\""
                + receipt.path("correlation_id").asText() + "\",\"status\":\"SUCCESS\"}";
        assertThat(LlamaParseWebhooks.sendWithPlainSignature(app, "", utf8(body))
                        .status())
                .isEqualTo(200);

        app.awaitJobStatus(receipt.path("job_id").asText(), "complete", Duration.ofSeconds(30));
    }

    @Test
    void should_match_a_legacy_body_by_the_correlation_id_of_the_webhook_url() {
        JsonNode receipt = app.upload("page.html", SampleDocuments.html()).json();
        awaitParseJob(receipt);

        String legacy = "{\"txt\":\"claimed text\",\"md\":\"# claimed markdown\",\"json\":[],\"images\":[]}";
        RunningDocpipe.Response response = LlamaParseWebhooks.sendWithLcSignature(
                app, "?correlation_id=" + receipt.path("correlation_id").asText(), utf8(legacy));
        assertThat(response.status()).isEqualTo(200);

        app.awaitJobStatus(receipt.path("job_id").asText(), "complete", Duration.ofSeconds(30));
        // the body's own claims are never stored: the text is what LlamaParse's API returned
        assertThat(app.get("/api/v1/documents/" + receipt.path("document_id").asText() + "/chunks")
                        .body())
                .contains("Parsed by LlamaParse")
                .doesNotContain("claimed markdown");
    }

    @Test
    void should_batch_embedding_requests_within_openai_limits() {
        List<LoggedRequest> requests = providers.server().findAll(postRequestedFor(urlPathEqualTo("/v1/embeddings")));
        for (LoggedRequest request : requests) {
            assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + ProviderStandIns.OPENAI_KEY);
            assertThat(request.getBodyAsString())
                    .contains("\"model\":\"text-embedding-3-small\"")
                    .contains("\"dimensions\":1536");
        }
    }

    static String awaitParseJob(JsonNode receipt) {
        return awaitParseJob(app, receipt);
    }

    static String awaitParseJob(RunningDocpipe app, JsonNode receipt) {
        app.awaitJobStatus(receipt.path("job_id").asText(), "parse_queued", Duration.ofSeconds(30));
        return app.sql()
                .queryForObject(
                        "SELECT parse_job_id FROM jobs WHERE id = ?::uuid",
                        String.class,
                        receipt.path("job_id").asText());
    }

    private static LoggedRequest lastUploadFor(JsonNode receipt) {
        return providers.server().findAll(postRequestedFor(urlPathEqualTo("/api/v1/parsing/upload"))).stream()
                .filter(r -> r.getPart("webhook_configurations")
                        .getBody()
                        .asString()
                        .contains(receipt.path("correlation_id").asText()))
                .findFirst()
                .orElseThrow();
    }
}
