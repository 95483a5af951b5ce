package io.docpipe.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.webhook.WebhookSignature;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a hostile or careless client sends never gets a 500 and never reaches PostgreSQL as text it refuses (NUL):
 * file names, webhook fields and query parameters, and what a provider answers; paths and methods no route takes get
 * the contract's JSON error body.
 */
class HostileInputTest {

    private static ProviderStandIns providers;
    private static RunningDocpipe app;

    @BeforeAll
    static void start() {
        providers = ProviderStandIns.start();
        app = RunningDocpipe.start(providers.propertiesWithClosedCircuit("real", "real"));
    }

    @AfterAll
    static void stop() {
        app.close();
        providers.close();
    }

    @Test
    void should_store_file_names_without_control_characters_and_bounded() {
        // (a raw NUL or line break in a multipart header, or a header of many kilobytes, is refused by the HTTP layer
        // with a JSON 400: see the tests below)
        List<String> names = List.of(
                "\u202Egnp.exe.txt",
                "x".repeat(1_000) + ".txt",
                "../../etc/passwd",
                "..",
                "",
                "zero\u200Bwidth.txt",
                "  spaced  .txt");
        List<String> stored = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            RunningDocpipe.Response response =
                    app.upload(names.get(i), ("hostile name " + i).getBytes(StandardCharsets.UTF_8));
            assertThat(response.status()).as(response.body()).isEqualTo(202);
            stored.add(app.sql()
                    .queryForObject(
                            "SELECT filename FROM documents WHERE id = ?::uuid",
                            String.class,
                            response.json().path("document_id").asText()));
        }
        assertThat(stored).hasSize(names.size()).allSatisfy(name -> {
            assertThat(name).doesNotContainPattern("[\\p{Cntrl}\\p{Cf}/]").isNotBlank();
            assertThat(name.length()).isLessThanOrEqualTo(255);
        });
        assertThat(stored).contains("gnp.exe.txt", "passwd", "upload", "zerowidth.txt", "spaced  .txt");
    }

    @Test
    void should_store_a_name_given_in_rfc_5987_form_without_its_nul() {
        String boundary = "b-" + System.nanoTime();
        String body = "--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''nul%00name%0A.txt"
                + "\r\nContent-Type: text/plain\r\n\r\nencoded hostile name\r\n--" + boundary + "--\r\n";
        RunningDocpipe.Response response = app.send(app.request("/api/v1/documents")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.status()).as(response.body()).isIn(202, 400);
        assertThat(response.json().has("document_id") || response.json().has("error"))
                .isTrue();
        if (response.status() == 202) {
            assertThat(app.sql()
                            .queryForObject(
                                    "SELECT filename FROM documents WHERE id = ?::uuid",
                                    String.class,
                                    response.json().path("document_id").asText()))
                    .doesNotContainPattern("\\p{Cntrl}");
        }
    }

    @Test
    void should_answer_a_raw_nul_in_a_multipart_header_with_the_json_error_body() {
        RunningDocpipe.Response response = app.upload("raw\u0000nul.txt", "raw NUL".getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).isIn(202, 400);
        assertThat(response.json().has("document_id")
                        || response.json().path("error").has("code"))
                .isTrue();
    }

    @Test
    void should_answer_signed_webhooks_with_nul_and_control_characters_without_a_server_error() {
        List<String> bodies = List.of(
                "{\"event_id\":\"a\\u0000b\",\"event_type\":\"parse.success\",\"data\":{\"job_id\":\"x\\u0000y\"}}",
                "{\"event_id\":\"\\u0000\",\"event_type\":\"parse.\\u0000success\",\"data\":{\"job_id\":\"\\n\"}}",
                "{\"parse_job_id\":\"\\u0000\",\"correlation_id\":\"\\u0000\\u0001\",\"status\":\"SUCCESS\"}",
                "{\"txt\":\"\\u0000\",\"md\":\"\\u0000\",\"json\":[],\"images\":[]}",
                "[".repeat(5000) + "]".repeat(5000),
                "{\"event_id\":" + "9".repeat(5000) + ",\"data\":{}}",
                "\"{\\\"event_id\\\":\\\"\\u0000\\\",\\\"data\\\":{\\\"job_id\\\":\\\"\\u0000\\\"}}\"");
        for (String body : bodies) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            for (String query : List.of("", "?correlation_id=%00", "?correlation_id=" + "%01".repeat(300))) {
                RunningDocpipe.Response response = app.send(app.request("/api/v1/webhooks/llamaparse" + query)
                        .header("Content-Type", "application/json")
                        .header("LC-Signature", WebhookSignature.sign(ProviderStandIns.WEBHOOK_SECRET, bytes))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
                assertThat(response.status())
                        .as(body + query + " -> " + response.body())
                        .isBetween(200, 499);
                assertThat(response.json().has("error") || response.json().has("status"))
                        .isTrue();
            }
        }
    }

    @Test
    void should_keep_a_provider_message_with_nul_out_of_the_database() {
        providers
                .server()
                .stubFor(post(urlPathEqualTo("/v1/embeddings"))
                        .atPriority(1)
                        .willReturn(aResponse()
                                .withStatus(400)
                                .withHeader("Content-Type", "application/json")
                                .withBody(
                                        "{\"error\":{\"message\":\"bad\\u0000input\\u0007 here\",\"type\":\"invalid_request_error\","
                                                + "\"param\":null,\"code\":null}}")));
        try {
            // no webhook comes: the overdue poll has the result read at once
            app.context().getPropertiesComponent().addOverrideProperty("docpipe.llamaparse.webhook-wait-seconds", "0");
            String jobId = app.upload(
                            "provider.txt", "The provider answers with a NUL.".getBytes(StandardCharsets.UTF_8))
                    .json()
                    .path("job_id")
                    .asText();
            JsonNode job = app.awaitJobStatus(jobId, "failed_embedding", Duration.ofSeconds(30));
            assertThat(job.path("last_error").asText())
                    .contains("badinput here")
                    .doesNotContain("\u0000");
        } finally {
            app.context()
                    .getPropertiesComponent()
                    .addOverrideProperty("docpipe.llamaparse.webhook-wait-seconds", "300");
            providers.reset();
        }
    }

    @Test
    void should_answer_unknown_paths_and_wrong_methods_with_the_json_error_body() {
        RunningDocpipe.Response unknown = app.get("/api/v1/no-such-thing");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("error").path("code").asText()).isEqualTo("not_found");

        RunningDocpipe.Response wrongMethod =
                app.send(app.request("/api/v1/jobs").DELETE());
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().path("error").path("code").asText()).isEqualTo("method_not_allowed");

        // GET /api/v1/documents lists a source's versions now: another method is still refused
        RunningDocpipe.Response putDocuments =
                app.send(app.request("/api/v1/documents").PUT(HttpRequest.BodyPublishers.noBody()));
        assertThat(putDocuments.status()).isEqualTo(405);
        assertThat(app.get("/api/v1/search").status()).isEqualTo(405);
        RunningDocpipe.Response putJob = app.send(app.request("/api/v1/jobs/6b1f4a57-2a0e-4f4e-9a43-0d5c1d0f9b11")
                .PUT(HttpRequest.BodyPublishers.noBody()));
        assertThat(putJob.status()).isEqualTo(405);
        assertThat(app.get("/").status()).isEqualTo(404);
        assertThat(app.get("/").json().path("error").path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void should_never_answer_a_burst_of_hostile_requests_with_a_server_error() {
        Random random = new Random(42);
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String noise = noise(random);
            RunningDocpipe.Response response =
                    switch (i % 6) {
                        case 0 -> app.upload(noise, ("hostile " + i + noise).getBytes(StandardCharsets.UTF_8));
                        case 1 -> app.get("/api/v1/jobs?status=" + encode(noise) + "&limit=" + encode(noise));
                        case 2 -> app.get("/api/v1/jobs/" + encode(noise));
                        case 3 -> app.get("/api/v1/costs?date=" + encode(noise));
                        case 4 -> app.get("/api/v1/" + encode(noise));
                        default ->
                            app.send(app.request("/api/v1/documents")
                                    .header("Content-Type", "multipart/form-data; boundary=x")
                                    .POST(HttpRequest.BodyPublishers.ofString("--x\r\n" + noise + "\r\n--x--")));
                    };
            answers.add(response.status() + " " + response.body());
        }
        assertThat(answers)
                .allSatisfy(answer -> assertThat(answer).doesNotStartWith("5").doesNotContain("<html>"));
    }

    private static String noise(Random random) {
        StringBuilder text = new StringBuilder();
        int length = 1 + random.nextInt(40);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(4);
            text.appendCodePoint(
                    kind == 0
                            ? random.nextInt(32)
                            : kind == 1
                                    ? 0x202A + random.nextInt(5)
                                    : kind == 2 ? 0x1F600 + random.nextInt(50) : 'a' + random.nextInt(26));
        }
        return text.toString();
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
