package io.docpipe.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.testsupport.S3StandIn;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two instances with data directories of their own share one database and one bucket, as on two machines: every
 * upload is parsed exactly once, by whichever instance claims it, from the bucket. First the instance that took
 * the uploads cannot parse (its claims stopped), so the other must read every document from the bucket; then both
 * race for the same jobs.
 */
class S3TwoInstancesTest {

    private static final List<String> CLAIMS = List.of("claim-parse-work", "claim-chunk-work", "claim-embed-work");
    private static final int UPLOADS_PER_PHASE = 25;

    @Test
    void should_parse_each_of_50_uploads_once_on_whichever_instance_claims_it() throws Exception {
        try (S3StandIn s3 = S3StandIn.start("shared");
                RunningDocpipe first = RunningDocpipe.start(properties(s3, "instance-a"));
                RunningDocpipe second = RunningDocpipe.start(first.jdbcUrl(), properties(s3, "instance-b"))) {
            assertThat(first.dataDir()).isNotEqualTo(second.dataDir());

            // phase 1: uploads go to a, only b works: b reads what a stored
            for (String claim : CLAIMS) {
                first.context().getRouteController().stopRoute(claim);
            }
            List<String> storedByA = upload(List.of(first), 0);
            awaitComplete(second, storedByA);
            for (String claim : CLAIMS) {
                first.context().getRouteController().startRoute(claim);
            }
            assertThat(parsers(first, storedByA)).containsOnly("instance-b");

            // phase 2: uploads to both, both work
            List<String> raced = upload(List.of(first, second), 1);
            awaitComplete(first, raced);

            int jobs = 2 * UPLOADS_PER_PHASE;
            assertThat(first.sql().queryForObject("SELECT count(*) FROM jobs WHERE status = 'complete'", Integer.class))
                    .isEqualTo(jobs);
            // parsed once: one move to parsed per job, by either instance, and no step done twice
            assertThat(first.sql()
                            .queryForObject(
                                    "SELECT count(*) FROM job_events WHERE to_status = 'parsed'", Integer.class))
                    .isEqualTo(jobs);
            assertThat(first.sql()
                            .queryForObject(
                                    "SELECT count(*) FROM (SELECT job_id, to_status FROM job_events"
                                            + " GROUP BY job_id, to_status HAVING count(*) > 1) twice",
                                    Integer.class))
                    .isZero();
            // the bytes are in the bucket only
            assertThat(s3.keys()).hasSize(jobs);
            assertThat(first.dataDir().resolve("documents")).doesNotExist();
            assertThat(second.dataDir().resolve("documents")).doesNotExist();
        }
    }

    private static Map<String, String> properties(S3StandIn s3, String instanceId) {
        Map<String, String> properties = new HashMap<>(s3.properties("shared/"));
        properties.put("docpipe.instance-id", instanceId);
        return properties;
    }

    private static List<String> parsers(RunningDocpipe app, List<String> jobIds) {
        return app.sql()
                .queryForList(
                        "SELECT DISTINCT actor FROM job_events WHERE to_status = 'parsed'"
                                + " AND job_id::text = ANY (?)",
                        String.class,
                        (Object) jobIds.toArray(String[]::new));
    }

    private static void awaitComplete(RunningDocpipe app, List<String> jobIds) {
        for (String jobId : jobIds) {
            app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(120));
        }
    }

    /** Uploads a phase's documents through the given instances in turn, from 8 clients. */
    private static List<String> upload(List<RunningDocpipe> targets, int phase) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> uploads = new ArrayList<>();
            for (int i = 0; i < UPLOADS_PER_PHASE; i++) {
                RunningDocpipe target = targets.get(i % targets.size());
                String text = "Document " + i + " of phase " + phase + ", kept in the shared bucket. "
                        + "Some body text. ".repeat(i + 1);
                uploads.add(clients.submit(() -> {
                    RunningDocpipe.Response response = target.upload(
                            "doc-" + phase + "-" + text.length() + ".txt", text.getBytes(StandardCharsets.UTF_8));
                    assertThat(response.status()).as(response.body()).isEqualTo(202);
                    return response.json().path("job_id").asText();
                }));
            }
            List<String> jobIds = new ArrayList<>();
            for (Future<String> upload : uploads) {
                jobIds.add(upload.get());
            }
            return jobIds;
        } finally {
            clients.shutdown();
        }
    }
}
