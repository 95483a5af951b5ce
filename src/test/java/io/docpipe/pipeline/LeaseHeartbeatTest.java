package io.docpipe.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.testsupport.LlamaParseGeneration;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Leases are short and kept alive by their worker: a job worked on for longer than a lease stays with its worker,
 * one whose worker is gone is taken over about one lease later, and a clean stop frees its jobs at once.
 */
class LeaseHeartbeatTest {

    @Test
    void should_keep_a_job_whose_worker_works_longer_than_a_lease() throws Exception {
        try (ProviderStandIns providers = ProviderStandIns.start(LlamaParseGeneration.V1)) {
            // LlamaParse takes three leases' time to take the upload
            providers.acceptUploadsSlowly(UUID.randomUUID().toString(), 6000);
            Map<String, String> properties = providers.properties("real", "mock");
            properties.put("docpipe.lease-seconds", "2");
            properties.put("docpipe.llamaparse.response-timeout-ms", "20000");
            try (RunningDocpipe app = RunningDocpipe.start(properties)) {
                String jobId = app.upload("slow.txt", "A slow upload.".getBytes(StandardCharsets.UTF_8))
                        .json()
                        .path("job_id")
                        .asText();

                JsonNode job = app.awaitJobStatus(jobId, "parse_queued", Duration.ofSeconds(60));

                // the reclaim sweep ran every second all along and never took the job from its worker
                assertThat(job.path("attempts").asInt()).isZero();
                assertThat(job.path("events").findValuesAsText("detail")).noneMatch(d -> d.contains("expired"));
                assertThat(providers.server().findAll(postRequestedFor(urlPathEqualTo("/api/v1/parsing/upload"))))
                        .hasSize(1);
            }
        }
    }

    @Test
    void should_take_over_the_job_of_a_dead_worker_about_one_lease_later() throws Exception {
        try (RunningDocpipe app = RunningDocpipe.start(Map.of("docpipe.lease-seconds", "2"))) {
            app.context().getRouteController().stopRoute("claim-chunk-work");
            String jobId = app.upload("orphan.txt", "Its worker dies.".getBytes(StandardCharsets.UTF_8))
                    .json()
                    .path("job_id")
                    .asText();
            app.awaitJobStatus(jobId, "parsed", Duration.ofSeconds(30));
            // another instance's worker took it and died: nobody renews its lease
            app.sql()
                    .update(
                            "UPDATE jobs SET status = 'chunking', lease_owner = 'dead-instance', leased_at = now(), "
                                    + "lease_expires_at = now() + interval '2 seconds' WHERE id = ?::uuid",
                            jobId);
            app.context().getRouteController().startRoute("claim-chunk-work");

            JsonNode job = app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(30));
            assertThat(job.path("events").findValuesAsText("detail"))
                    .anyMatch(d -> d.startsWith("lease of dead-instance expired; released for another worker"));
        }
    }

    @Test
    void should_release_its_leases_when_it_stops_cleanly() throws Exception {
        String database = TestPostgres.newDatabase();
        JdbcTemplate sql = new JdbcTemplate(TestPostgres.dataSource(database));
        try (RunningDocpipe app = RunningDocpipe.start(database, Map.of("docpipe.instance-id", "stopping-instance"))) {
            app.context().getRouteController().stopRoute("claim-chunk-work");
            String jobId = app.upload("held.txt", "Held when docpipe stops.".getBytes(StandardCharsets.UTF_8))
                    .json()
                    .path("job_id")
                    .asText();
            app.awaitJobStatus(jobId, "parsed", Duration.ofSeconds(30));
            // a job this instance holds (claimed, its worker not done) when it is told to stop
            app.sql()
                    .update(
                            "UPDATE jobs SET lease_owner = 'stopping-instance', leased_at = now(), "
                                    + "lease_expires_at = now() + interval '30 seconds' WHERE id = ?::uuid",
                            jobId);
        }
        assertThat(sql.queryForMap("SELECT lease_owner, lease_expires_at FROM jobs"))
                .containsEntry("lease_owner", null)
                .containsEntry("lease_expires_at", null);
    }
}
