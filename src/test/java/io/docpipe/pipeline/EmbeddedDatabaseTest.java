package io.docpipe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.testsupport.RunningDocpipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without DATABASE_URL docpipe runs its own PostgreSQL under the data directory, and its data survives a restart. */
class EmbeddedDatabaseTest {

    @Test
    void should_keep_jobs_in_the_embedded_database_across_a_restart() throws Exception {
        Path dataDir = Files.createTempDirectory("docpipe-embedded-");
        byte[] document = "Data outlives the process.".getBytes(StandardCharsets.UTF_8);

        String jobId;
        try (RunningDocpipe app = RunningDocpipe.startEmbedded(dataDir, Map.of())) {
            jobId = app.upload("durable.txt", document).json().path("job_id").asText();
            app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(60));
        }
        assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();

        try (RunningDocpipe restarted = RunningDocpipe.startEmbedded(dataDir, Map.of())) {
            JsonNode job = restarted.get("/api/v1/jobs/" + jobId).json();
            assertThat(job.path("status").asText()).isEqualTo("complete");
            JsonNode again = restarted.upload("durable.txt", document).json();
            assertThat(again.path("duplicate").asBoolean()).isTrue();
            assertThat(again.path("job_id").asText()).isEqualTo(jobId);
        }
    }
}
