package io.docpipe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.docpipe.testsupport.RunningDocpipe;
import org.junit.jupiter.api.Test;

/** Two CamelContexts on one database share the work: every job is done, and done exactly once. */
class TwoInstancesTest {

    private static final int UPLOADS = 50;

    @Test
    void should_process_every_job_exactly_once_across_two_instances() throws Exception {
        try (RunningDocpipe first = RunningDocpipe.start(Map.of("docpipe.instance-id", "instance-a"));
                RunningDocpipe second = RunningDocpipe.start(first.jdbcUrl(), Map.of(
                        "docpipe.instance-id", "instance-b",
                        // documents are shared files, as on a shared volume in production
                        "docpipe.data-dir", first.dataDir().toString()))) {

            List<String> jobIds = uploadConcurrently(first, second);

            for (String jobId : jobIds) {
                first.awaitJobStatus(jobId, "complete", Duration.ofSeconds(90));
            }

            // one event per step per job: no step was done twice
            assertThat(first.sql().queryForObject(
                    "SELECT count(*) FROM (SELECT job_id, to_status FROM job_events GROUP BY job_id, to_status HAVING count(*) > 1) d",
                    Integer.class)).isZero();
            assertThat(first.sql().queryForObject("SELECT count(*) FROM job_events", Integer.class)).isEqualTo(UPLOADS * 9);
            // every chunk has exactly one vector (the primary key makes a second one impossible)
            assertThat(first.sql().queryForObject(
                    "SELECT count(*) FROM chunks c LEFT JOIN embeddings e ON e.chunk_id = c.id WHERE e.chunk_id IS NULL",
                    Integer.class)).isZero();
            // and both instances took part
            assertThat(first.sql().queryForList("SELECT DISTINCT actor FROM job_events WHERE from_status IS NOT NULL",
                    String.class)).containsExactlyInAnyOrder("instance-a", "instance-b");
        }
    }

    private static List<String> uploadConcurrently(RunningDocpipe first, RunningDocpipe second) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> uploads = new ArrayList<>();
            for (int i = 0; i < UPLOADS; i++) {
                RunningDocpipe target = i % 2 == 0 ? first : second;
                String text = "Document number " + i + " for the two-instance test. " + "Some body text. ".repeat(i + 1);
                uploads.add(clients.submit(() -> {
                    RunningDocpipe.Response response = target.upload("doc.txt", text.getBytes(StandardCharsets.UTF_8));
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
