package io.docpipe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.testsupport.S3StandIn;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A bucket that goes away mid-run: jobs whose document cannot be read fail transiently (failed_parse, the reason,
 * a next attempt, no attempt spent), health says why, uploads are refused with 503 in the API's error shape; once
 * the bucket is back every job completes by itself.
 */
class S3OutageTest {

    @Test
    void should_fail_jobs_transiently_while_the_bucket_is_away_and_complete_them_once_it_returns() throws Exception {
        try (S3StandIn s3 = S3StandIn.start("outage");
                RunningDocpipe app = RunningDocpipe.start(properties(s3))) {
            // uploaded while the bucket is there; nobody parses them yet
            app.context().getRouteController().stopRoute("claim-parse-work");
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                JsonNode upload = app.upload(
                                "outage-" + i + ".md",
                                ("# Outage " + i + "\n\nRead from the bucket after it" + " came back.\n")
                                        .getBytes(StandardCharsets.UTF_8))
                        .json();
                jobs.add(upload.path("job_id").asText());
            }

            s3.stopServer();
            app.context().getRouteController().startRoute("claim-parse-work");
            for (String job : jobs) {
                app.awaitJobStatus(job, "failed_parse", Duration.ofSeconds(60));
            }
            JsonNode failed = app.get("/api/v1/jobs/" + jobs.get(0)).json();
            assertThat(failed.path("last_error").asText())
                    .startsWith(
                            "the document store cannot be reached: cannot reach" + " the S3 endpoint " + s3.endpoint());
            assertThat(failed.path("attempts").asInt()).isZero();

            await().atMost(Duration.ofSeconds(30)).until(() -> "DOWN"
                    .equals(app.get("/api/v1/health")
                            .json()
                            .path("services")
                            .path("storage")
                            .path("status")
                            .asText()));
            RunningDocpipe.Response health = app.get("/api/v1/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().path("status").asText()).isEqualTo("DEGRADED");
            assertThat(health.json()
                            .path("services")
                            .path("storage")
                            .path("last_error")
                            .asText())
                    .isEqualTo("cannot reach the S3 endpoint " + s3.endpoint() + ": Connection refused");

            RunningDocpipe.Response refused = app.upload("while-away.md", "# Away\n".getBytes(StandardCharsets.UTF_8));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().path("error").path("code").asText()).isEqualTo("storage_unavailable");
            assertThat(refused.body())
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ")
                    .doesNotContain(S3StandIn.SECRET_ACCESS_KEY);

            s3.startServer();
            for (String job : jobs) {
                JsonNode complete = app.awaitJobStatus(job, "complete", Duration.ofSeconds(90));
                assertThat(complete.path("attempts").asInt()).isZero();
            }
            assertThat(app.get("/api/v1/health").json().path("status").asText()).isEqualTo("UP");
            assertThat(app.upload("back.md", "# Back\n".getBytes(StandardCharsets.UTF_8))
                            .status())
                    .isEqualTo(202);
        }
    }

    private static Map<String, String> properties(S3StandIn s3) {
        Map<String, String> properties = new HashMap<>(s3.properties(""));
        properties.put("docpipe.storage.retry-seconds", "1");
        return properties;
    }
}
