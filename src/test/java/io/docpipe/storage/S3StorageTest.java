package io.docpipe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.testsupport.S3StandIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docpipe on a real S3 server (S3Proxy): an upload is complete with its bytes in the bucket under the prefix, with
 * their media type and name as metadata, and nothing on local disk; a download is a presigned link that serves the
 * exact bytes and stops working when it expires; a delete removes the object only when no other live document
 * shares it; bytes without a row are removed by the orphan sweep; bytes a delete removed before the upload's rows
 * committed are stored again; large files go up in parts.
 */
class S3StorageTest {

    private static final String TOKEN = "s3-test-token";

    private static S3StandIn s3;
    private static RunningDocpipe app;

    @BeforeAll
    static void start() {
        s3 = S3StandIn.start("docpipe-documents");
        Map<String, String> properties = new HashMap<>(s3.properties("tenant-a"));
        properties.put("docpipe.storage.link-seconds", "2");
        properties.put("docpipe.api.token", TOKEN);
        // the test runs the orphan sweep itself, on files of any age
        properties.put("docpipe.storage.orphan-grace-hours", "0");
        properties.put("docpipe.sweeps.purge-orphaned-files.cron", "0 0 0 1 1 ? 2099");
        app = RunningDocpipe.start(properties).withApiToken(TOKEN);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void should_complete_an_upload_with_its_bytes_in_the_bucket_and_none_on_local_disk() {
        byte[] bytes = "# In the bucket\n\nThese bytes live in object storage, not on the instance's disk.\n"
                .getBytes(StandardCharsets.UTF_8);
        JsonNode upload = app.upload("bücket notes.md", bytes).json();
        app.awaitJobStatus(upload.path("job_id").asText(), "complete", Duration.ofSeconds(60));

        String sha256 = sha256(bytes);
        String key = "tenant-a/documents/" + sha256.substring(0, 2) + "/" + sha256;
        assertThat(s3.bytes(key)).isEqualTo(bytes);
        assertThat(s3.metadata(key))
                .containsEntry("content-type", "text/x-web-markdown")
                .containsEntry("sha256", sha256)
                .containsEntry("filename", "b%C3%BCcket%20notes.md");
        assertThat(app.dataDir().resolve("documents")).doesNotExist();
        assertThat(app.get("/api/v1/documents/" + upload.path("document_id").asText() + "/chunks")
                        .json()
                        .path("chunks")
                        .get(0)
                        .path("text")
                        .asText())
                .contains("These bytes live in object storage");
        JsonNode health = app.get("/api/v1/health").json();
        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(health.path("services").path("storage").path("kind").asText())
                .isEqualTo("s3");
        assertThat(health.path("services").path("storage").path("status").asText())
                .isEqualTo("UP");
    }

    @Test
    void should_answer_a_presigned_link_that_serves_the_exact_bytes_until_it_expires() throws Exception {
        byte[] text = ("%s\n".formatted("Download me. ".repeat(20_000))).getBytes(StandardCharsets.UTF_8);
        JsonNode upload = app.upload("download.txt", text).json();
        String documentId = upload.path("document_id").asText();

        RunningDocpipe.Response answer = app.get("/api/v1/documents/" + documentId + "/download");
        assertThat(answer.status()).isEqualTo(200);
        JsonNode link = answer.json();
        assertThat(link.path("filename").asText()).isEqualTo("download.txt");
        assertThat(link.path("size_bytes").asLong()).isEqualTo(text.length);
        assertThat(link.path("expires_at").asText()).isNotBlank();
        String url = link.path("url").asText();
        assertThat(url)
                .startsWith(s3.endpoint() + "/" + s3.bucket() + "/tenant-a/documents/")
                .contains("X-Amz-Signature=");

        // no API token, no S3 credentials: the signature is the permission
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<byte[]> served =
                http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(text);
        assertThat(served.headers().firstValue("Content-Disposition"))
                .hasValueSatisfying(disposition -> assertThat(disposition).contains("download.txt"));

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> http.send(
                                        HttpRequest.newBuilder(URI.create(url)).build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 403);

        assertThat(app.get("/api/v1/documents/00000000-0000-0000-0000-000000000000/download")
                        .status())
                .isEqualTo(404);
        assertThat(app.get("/api/v1/documents/not-an-id/download").status()).isEqualTo(404);
        RunningDocpipe.Response anonymous =
                app.send(HttpRequest.newBuilder(app.baseUri().resolve("/api/v1/documents/" + documentId + "/download"))
                        .GET());
        assertThat(anonymous.status()).isEqualTo(401);
    }

    @Test
    void should_remove_an_object_only_when_no_live_document_shares_it() {
        byte[] bytes = "Shared bytes: two sources, one object.\n".getBytes(StandardCharsets.UTF_8);
        String first = app.upload("shared.txt", bytes, "source/one")
                .json()
                .path("document_id")
                .asText();
        String second = app.upload("shared.txt", bytes, "source/two")
                .json()
                .path("document_id")
                .asText();
        assertThat(first).isNotEqualTo(second);
        String key = "tenant-a/" + DocumentStorage.pathOf(sha256(bytes));

        assertThat(app.delete("/api/v1/documents/" + first).status()).isEqualTo(204);
        assertThat(s3.keys()).contains(key);
        assertThat(app.get("/api/v1/documents/" + first + "/download").status()).isEqualTo(404);
        assertThat(app.get("/api/v1/documents/" + second + "/download").status())
                .isEqualTo(200);

        assertThat(app.delete("/api/v1/documents/" + second).status()).isEqualTo(204);
        assertThat(s3.keys()).doesNotContain(key);
    }

    @Test
    void should_sweep_bytes_that_no_live_document_uses() throws Exception {
        byte[] kept = "A live document's bytes stay.\n".getBytes(StandardCharsets.UTF_8);
        app.upload("kept.txt", kept);
        // an upload whose rows never committed: bytes in the bucket, no row
        Path orphan = Files.createTempFile("orphan-", ".txt");
        Files.writeString(orphan, "Stored, then the process died before its rows committed.\n");
        String orphanSha = ContentAddress.sha256(orphan);
        S3DocumentStorage bucket = new S3DocumentStorage(
                new S3Settings(
                        URI.create(s3.endpoint()),
                        S3StandIn.REGION,
                        s3.bucket(),
                        "tenant-a/",
                        S3StandIn.ACCESS_KEY_ID,
                        S3StandIn.SECRET_ACCESS_KEY,
                        16 << 20,
                        8 << 20),
                Files.createTempDirectory("spool-"));
        try {
            bucket.prepare(
                    orphan, new DocumentStorage.StoredFile(orphanSha, "text/plain", "orphan.txt", Files.size(orphan)));
        } finally {
            bucket.close();
        }
        assertThat(s3.keys()).contains("tenant-a/" + DocumentStorage.pathOf(orphanSha));

        ProducerTemplate sweep = app.context().createProducerTemplate();
        sweep.sendBody("direct:purge-orphaned-files", null);

        assertThat(s3.keys())
                .doesNotContain("tenant-a/" + DocumentStorage.pathOf(orphanSha))
                .contains("tenant-a/" + DocumentStorage.pathOf(sha256(kept)));
    }

    @Test
    void should_store_the_bytes_again_when_a_delete_removed_them_between_prepare_and_keep() throws Exception {
        Path upload = Files.createTempFile("raced-", ".txt");
        Files.writeString(upload, "Stored, removed by a delete of the same bytes, then recorded.\n");
        String sha256 = ContentAddress.sha256(upload);
        DocumentStorage.StoredFile file =
                new DocumentStorage.StoredFile(sha256, "text/plain", "raced.txt", Files.size(upload));
        S3DocumentStorage bucket = new S3DocumentStorage(
                new S3Settings(
                        URI.create(s3.endpoint()),
                        S3StandIn.REGION,
                        s3.bucket(),
                        "raced/",
                        S3StandIn.ACCESS_KEY_ID,
                        S3StandIn.SECRET_ACCESS_KEY,
                        16 << 20,
                        8 << 20),
                Files.createTempDirectory("spool-"));
        try {
            bucket.prepare(upload, file);
            bucket.remove(DocumentStorage.pathOf(sha256));
            assertThat(bucket.exists(DocumentStorage.pathOf(sha256))).isFalse();

            assertThat(bucket.keep(upload, file)).isEqualTo(DocumentStorage.pathOf(sha256));
            assertThat(s3.bytes("raced/" + DocumentStorage.pathOf(sha256))).isEqualTo(Files.readAllBytes(upload));
        } finally {
            bucket.close();
        }
    }

    @Test
    void should_send_large_files_as_multipart_uploads_streamed_from_disk() throws Exception {
        byte[] bytes = new byte[13 * 1024 * 1024];
        new Random(3).nextBytes(bytes);
        Path file = Files.createTempFile("large-", ".bin");
        Files.write(file, bytes);
        String sha256 = ContentAddress.sha256(file);
        S3DocumentStorage bucket = new S3DocumentStorage(
                new S3Settings(
                        URI.create(s3.endpoint()),
                        S3StandIn.REGION,
                        s3.bucket(),
                        "large/",
                        S3StandIn.ACCESS_KEY_ID,
                        S3StandIn.SECRET_ACCESS_KEY,
                        6 << 20,
                        5 << 20),
                Files.createTempDirectory("spool-"));
        try {
            bucket.prepare(file, new DocumentStorage.StoredFile(sha256, "application/pdf", "large.pdf", bytes.length));
            String path = DocumentStorage.pathOf(sha256);
            assertThat(s3.bytes("large/" + path)).isEqualTo(bytes);
            // S3's ETag of a multipart object: the parts' digest and their count
            assertThat(s3.etag("large/" + path)).endsWith("-3\"");
            try (DocumentStorage.LocalCopy copy = bucket.copy(path)) {
                assertThat(Files.readAllBytes(copy.path())).isEqualTo(bytes);
                assertThat(copy.path()).isNotEqualTo(file);
            }
        } finally {
            bucket.close();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            Path file = Files.createTempFile("sha-", ".bin");
            Files.write(file, bytes);
            return ContentAddress.sha256(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
