package io.docpipe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.testsupport.SampleDocuments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole application in mock mode: each supported document type goes from upload to complete. */
class PipelineEndToEndTest {

    private static final List<String> HAPPY_PATH = List.of(
            "uploaded",
            "parse_queued",
            "parsed",
            "chunking",
            "chunks_stored",
            "embedding_queued",
            "embedding_in_progress",
            "embeddings_stored",
            "complete");

    private static RunningDocpipe app;

    @BeforeAll
    static void start() {
        app = RunningDocpipe.start();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void should_take_text_markdown_html_pdf_and_docx_from_upload_to_stored_vectors() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("notes.txt", SampleDocuments.text());
        files.put("readme.md", SampleDocuments.markdown());
        files.put("page.html", SampleDocuments.html());
        files.put("report.pdf", SampleDocuments.pdf());
        files.put("letter.docx", SampleDocuments.docx());

        List<JsonNode> receipts = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            RunningDocpipe.Response response = app.upload(file.getKey(), file.getValue());
            assertThat(response.status())
                    .as(file.getKey() + ": " + response.body())
                    .isEqualTo(202);
            JsonNode receipt = response.json();
            assertThat(receipt.path("status").asText()).isEqualTo("uploaded");
            assertThat(receipt.path("duplicate").asBoolean()).isFalse();
            assertThat(receipt.path("correlation_id").asText()).isNotBlank();
            receipts.add(receipt);
        }

        for (JsonNode receipt : receipts) {
            JsonNode job = app.awaitJobStatus(receipt.path("job_id").asText(), "complete", Duration.ofSeconds(60));

            List<String> path = new ArrayList<>();
            job.path("events").forEach(event -> path.add(event.path("to_status").asText()));
            assertThat(path).isEqualTo(HAPPY_PATH);
            assertThat(job.path("correlation_id").asText())
                    .isEqualTo(receipt.path("correlation_id").asText());
            assertThat(job.path("attempts").asInt()).isZero();

            JsonNode chunks = app.get(
                            "/api/v1/documents/" + receipt.path("document_id").asText() + "/chunks")
                    .json()
                    .path("chunks");
            assertThat(chunks.size()).isPositive();
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < chunks.size(); i++) {
                JsonNode chunk = chunks.get(i);
                assertThat(chunk.path("ordinal").asInt()).isEqualTo(i);
                assertThat(chunk.path("token_count").asInt()).isBetween(1, 512);
                assertThat(chunk.path("embedding").path("provider").asText()).isEqualTo("mock");
                assertThat(chunk.path("embedding").path("model").asText()).isEqualTo("text-embedding-3-small");
                assertThat(chunk.path("embedding").path("dimensions").asInt()).isEqualTo(1536);
                text.append(chunk.path("text").asText());
            }
            assertThat(text.toString()).contains(SampleDocuments.SENTENCE);
        }

        // every stored vector has 1536 finite components and unit length
        List<byte[]> vectors = app.sql().queryForList("SELECT vector FROM embeddings", byte[].class);
        assertThat(vectors).isNotEmpty().allSatisfy(bytes -> {
            float[] vector = io.docpipe.embed.VectorBytes.read(bytes);
            assertThat(vector).hasSize(1536);
            double norm = 0;
            for (float x : vector) {
                norm += x * x;
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        });
    }

    @Test
    void should_write_the_upload_correlation_id_into_every_event_of_the_job() {
        JsonNode receipt = app.upload("correlated.txt", "Correlation ids follow a job through every stage.".getBytes())
                .json();
        String jobId = receipt.path("job_id").asText();
        app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(30));

        List<String> correlationIds = app.sql()
                .queryForList("SELECT correlation_id FROM job_events WHERE job_id = ?::uuid", String.class, jobId);
        assertThat(correlationIds)
                .hasSize(HAPPY_PATH.size())
                .containsOnly(receipt.path("correlation_id").asText());
    }
}
