package io.docpipe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.testsupport.RunningDocpipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/jobs}: lookups, listings and manual retry. */
class JobsApiTest {

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
    void should_answer_404_for_an_unknown_or_malformed_job_id() {
        RunningDocpipe.Response unknown = app.get("/api/v1/jobs/6b1f4a57-2a0e-4f4e-9a43-0d5c1d0f9b11");
        RunningDocpipe.Response malformed = app.get("/api/v1/jobs/not-a-uuid");

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("error").path("code").asText()).isEqualTo("not_found");
        assertThat(malformed.status()).isEqualTo(404);
        assertThat(app.get("/api/v1/documents/not-a-uuid/chunks").status()).isEqualTo(404);
    }

    @Test
    void should_list_jobs_by_status_and_refuse_unknown_filters() {
        String jobId = app.upload("listed.txt", "A job to list.".getBytes(StandardCharsets.UTF_8))
                .json()
                .path("job_id")
                .asText();
        app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(30));

        JsonNode complete =
                app.get("/api/v1/jobs?status=complete&limit=1000").json().path("jobs");
        JsonNode failed = app.get("/api/v1/jobs?status=failed_parse").json().path("jobs");

        assertThat(complete.findValuesAsText("job_id")).contains(jobId);
        assertThat(failed.findValuesAsText("job_id")).doesNotContain(jobId);
        assertThat(app.get("/api/v1/jobs?limit=1").json().path("jobs").size()).isEqualTo(1);
        assertThat(app.get("/api/v1/jobs?status=dancing").status()).isEqualTo(400);
        assertThat(app.get("/api/v1/jobs?limit=0").status()).isEqualTo(400);
        assertThat(app.get("/api/v1/jobs?limit=many").status()).isEqualTo(400);
    }

    @Test
    void should_fail_a_document_without_text_and_retry_it_on_request() {
        String jobId = app.upload("blank.txt", " \n\n \t \n".getBytes(StandardCharsets.UTF_8))
                .json()
                .path("job_id")
                .asText();

        JsonNode failed = app.awaitJobStatus(jobId, "failed_parse", Duration.ofSeconds(30));
        assertThat(failed.path("attempts").asInt()).isEqualTo(1);
        assertThat(failed.path("last_error").asText()).contains("no extractable text");
        assertThat(failed.path("dead").asBoolean()).isTrue(); // a permanent failure is not retried by itself

        RunningDocpipe.Response retry = app.post("/api/v1/jobs/" + jobId + "/retry");
        assertThat(retry.status()).isEqualTo(202);

        // a manual retry starts a fresh count of attempts
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        app.get("/api/v1/jobs/" + jobId).json().path("events").findValuesAsText("to_status").stream()
                                        .filter("failed_parse"::equals)
                                        .count()
                                == 2);
        JsonNode again = app.get("/api/v1/jobs/" + jobId).json();
        assertThat(again.path("attempts").asInt()).isEqualTo(1);
        assertThat(again.path("events").findValuesAsText("detail")).contains("manual retry (attempts reset from 1)");
    }

    @Test
    void should_refuse_to_retry_a_job_that_has_not_failed() {
        String jobId = app.upload("fine.txt", "Nothing wrong here.".getBytes(StandardCharsets.UTF_8))
                .json()
                .path("job_id")
                .asText();
        app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(30));

        RunningDocpipe.Response retry = app.post("/api/v1/jobs/" + jobId + "/retry");

        assertThat(retry.status()).isEqualTo(409);
        assertThat(retry.json().path("error").path("code").asText()).isEqualTo("conflict");
        assertThat(app.post("/api/v1/jobs/6b1f4a57-2a0e-4f4e-9a43-0d5c1d0f9b11/retry")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void should_report_health_of_the_database_and_services() {
        JsonNode health = app.get("/api/v1/health").json();

        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(health.path("services").path("database").path("status").asText())
                .isEqualTo("UP");
        assertThat(health.path("services").path("llamaparse").path("mode").asText())
                .isEqualTo("mock");
        assertThat(health.path("services").path("openai").path("mode").asText()).isEqualTo("mock");
    }
}
