package io.docpipe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.testsupport.RunningDocpipe;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/documents}: accepted, duplicate and refused uploads; bad input changes nothing. */
class UploadApiTest {

    private static final String TOKEN = "test-token-123";
    private static RunningDocpipe app;

    @BeforeAll
    static void start() {
        app = RunningDocpipe.start(Map.of("docpipe.upload.max-size-bytes", "1024", "docpipe.api.token", TOKEN))
                .withApiToken(TOKEN);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @BeforeEach
    void stopThePipeline() throws Exception {
        // uploads only: keep jobs in 'uploaded' so counts are exact
        app.context().getRouteController().stopRoute("claim-parse-work");
    }

    @Test
    void should_answer_the_same_ids_for_the_same_bytes() {
        byte[] bytes = "Deduplication by content hash.".getBytes(StandardCharsets.UTF_8);

        RunningDocpipe.Response first = app.upload("a.txt", bytes);
        RunningDocpipe.Response second = app.upload("renamed.txt", bytes);

        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(200);
        JsonNode a = first.json();
        JsonNode b = second.json();
        assertThat(b.path("duplicate").asBoolean()).isTrue();
        assertThat(b.path("document_id")).isEqualTo(a.path("document_id"));
        assertThat(b.path("job_id")).isEqualTo(a.path("job_id"));
        assertThat(b.path("correlation_id")).isEqualTo(a.path("correlation_id"));
        assertThat(count("SELECT count(*) FROM documents WHERE id = '"
                        + a.path("document_id").asText() + "'"))
                .isOne();
        assertThat(count("SELECT count(*) FROM jobs WHERE document_id = '"
                        + a.path("document_id").asText() + "'"))
                .isOne();
    }

    @Test
    void should_refuse_an_empty_file_with_400_and_change_nothing() {
        assertRefusedWithoutChange(app.upload("empty.txt", new byte[0]), 400, "empty_file");
    }

    @Test
    void should_refuse_a_file_over_the_limit_with_413_and_change_nothing() {
        assertRefusedWithoutChange(
                app.upload("big.txt", "x".repeat(2000).getBytes(StandardCharsets.UTF_8)), 413, "file_too_large");
    }

    @Test
    void should_refuse_an_unsupported_type_with_415_and_change_nothing() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1};
        assertRefusedWithoutChange(app.upload("picture.png", png), 415, "unsupported_media_type");
    }

    @Test
    void should_refuse_a_request_without_a_file_part() {
        assertRefusedWithoutChange(
                app.send(app.request("/api/v1/documents")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"file\":\"nope\"}"))),
                400,
                "bad_request");
    }

    @Test
    void should_require_the_api_token_when_one_is_configured() {
        RunningDocpipe.Response anonymous = app.send(
                HttpRequest.newBuilder(app.request("/api/v1/jobs").build().uri())
                        .GET());
        RunningDocpipe.Response wrong = app.send(
                HttpRequest.newBuilder(app.request("/api/v1/jobs").build().uri())
                        .header("Authorization", "Bearer not-the-token")
                        .GET());
        RunningDocpipe.Response authorised = app.get("/api/v1/jobs");

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().path("error").path("code").asText()).isEqualTo("unauthorized");
        assertThat(anonymous.body()).doesNotContain(TOKEN);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(authorised.status()).isEqualTo(200);
    }

    private static void assertRefusedWithoutChange(RunningDocpipe.Response response, int status, String code) {
        long documents = count("SELECT count(*) FROM documents");
        long jobs = count("SELECT count(*) FROM jobs");
        long stored = storedFiles();

        assertThat(response.status()).as(response.body()).isEqualTo(status);
        JsonNode error = response.json().path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText())
                .isNotBlank()
                .doesNotContain("Exception")
                .doesNotContain("at io.");

        assertThat(count("SELECT count(*) FROM documents")).isEqualTo(documents);
        assertThat(count("SELECT count(*) FROM jobs")).isEqualTo(jobs);
        assertThat(storedFiles()).isEqualTo(stored);
    }

    private static long count(String sql) {
        return app.sql().queryForObject(sql, Long.class);
    }

    private static long storedFiles() {
        try (Stream<java.nio.file.Path> files = Files.walk(app.dataDir().resolve("documents"))) {
            return files.filter(Files::isRegularFile).count();
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
