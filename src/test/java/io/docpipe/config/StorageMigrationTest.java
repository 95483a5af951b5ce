package io.docpipe.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.storage.ContentAddress;
import io.docpipe.storage.DocumentStorage;
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
import org.junit.jupiter.api.Test;

/**
 * migrate-storage copies a local store into a bucket: every file of a live document, with its media type and name,
 * none of a deleted one; run twice, nothing is copied twice; docpipe then runs on the bucket with the same database.
 */
class StorageMigrationTest {

    @Test
    void should_copy_the_local_store_into_the_bucket_once() throws Exception {
        try (S3StandIn s3 = S3StandIn.start("migrated")) {
            String jdbcUrl;
            Path dataDir;
            String kept;
            String deleted;
            byte[] keptBytes = "# Kept\n\nMigrated into the bucket.\n".getBytes(StandardCharsets.UTF_8);
            try (RunningDocpipe local = RunningDocpipe.start(Map.of())) {
                jdbcUrl = local.jdbcUrl();
                dataDir = local.dataDir();
                kept = complete(local, local.upload("kept.md", keptBytes));
                complete(
                        local,
                        local.upload("second.md", "# Second\n\nAlso migrated.\n".getBytes(StandardCharsets.UTF_8)));
                deleted = complete(
                        local, local.upload("gone.md", "# Gone\n\nDeleted before.\n".getBytes(StandardCharsets.UTF_8)));
                assertThat(local.delete("/api/v1/documents/" + deleted).status())
                        .isEqualTo(204);
            }
            Map<String, String> settings = new HashMap<>(s3.properties("migrated"));
            settings.put("docpipe.database.url", jdbcUrl);
            settings.put("docpipe.data-dir", dataDir.toString());

            StorageMigration.Result first = StorageMigration.run(settings);
            assertThat(first).isEqualTo(new StorageMigration.Result(2, 0, 0));
            String keptKey = "migrated/" + DocumentStorage.pathOf(sha256(keptBytes));
            assertThat(s3.keys()).hasSize(2).contains(keptKey);
            assertThat(s3.bytes(keptKey)).isEqualTo(keptBytes);
            assertThat(s3.metadata(keptKey))
                    .containsEntry("content-type", "text/x-web-markdown")
                    .containsEntry("filename", "kept.md");

            StorageMigration.Result again = StorageMigration.run(settings);
            assertThat(again).isEqualTo(new StorageMigration.Result(0, 2, 0));
            assertThat(s3.keys()).hasSize(2);

            // the same database on the bucket, from a data directory without the files
            Map<String, String> onBucket = new HashMap<>(s3.properties("migrated"));
            try (RunningDocpipe moved = RunningDocpipe.start(jdbcUrl, onBucket)) {
                JsonNode link =
                        moved.get("/api/v1/documents/" + kept + "/download").json();
                HttpResponse<byte[]> bytes = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(link.path("url").asText()))
                                        .build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                assertThat(bytes.body()).isEqualTo(keptBytes);
                assertThat(moved.get("/api/v1/documents/" + deleted + "/download")
                                .status())
                        .isEqualTo(404);
                assertThat(Files.exists(moved.dataDir().resolve("documents"))).isFalse();
            }
        }
    }

    private static String complete(RunningDocpipe app, RunningDocpipe.Response upload) {
        app.awaitJobStatus(upload.json().path("job_id").asText(), "complete", Duration.ofSeconds(60));
        return upload.json().path("document_id").asText();
    }

    private static String sha256(byte[] bytes) throws Exception {
        Path file = Files.createTempFile("sha-", ".bin");
        Files.write(file, bytes);
        return ContentAddress.sha256(file);
    }
}
