package io.docpipe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.docpipe.testsupport.RunningDocpipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two CamelContexts on one database share the work: every job is done, and done exactly once, whichever instance
 * takes it. Which instance wins a race is the scheduler's business, so the test does not count on it: each
 * instance first works alone (the other's claims stopped), which shows both can take jobs, then both race for the
 * same jobs, which shows no job is done twice.
 */
class TwoInstancesTest {

    private static final List<String> CLAIMS = List.of("claim-parse-work", "claim-chunk-work", "claim-embed-work");
    private static final int UPLOADS_PER_PHASE = 20;

    @Test
    void should_process_every_job_exactly_once_across_two_instances() throws Exception {
        try (RunningDocpipe first = RunningDocpipe.start(Map.of("docpipe.instance-id", "instance-a"));
                RunningDocpipe second = RunningDocpipe.start(
                        first.jdbcUrl(),
                        Map.of(
                                "docpipe.instance-id",
                                "instance-b",
                                // documents are shared files, as on a shared volume in production
                                "docpipe.data-dir",
                                first.dataDir().toString()))) {

            List<String> byA = alone(first, second, 0);
            assertThat(actors(first, byA)).containsOnly("instance-a");
            List<String> byB = alone(second, first, 1);
            assertThat(actors(first, byB)).containsOnly("instance-b");

            List<String> raced = uploadConcurrently(first, second, 2);
            awaitComplete(first, raced);

            int jobs = 3 * UPLOADS_PER_PHASE;
            // one event per step per job: no step was done twice, by either instance
            assertThat(first.sql()
                            .queryForObject(
                                    "SELECT count(*) FROM (SELECT job_id, to_status FROM job_events GROUP BY job_id, to_status HAVING count(*) > 1) d",
                                    Integer.class))
                    .isZero();
            assertThat(first.sql().queryForObject("SELECT count(*) FROM job_events", Integer.class))
                    .isEqualTo(jobs * 9);
            // every chunk has exactly one vector (the primary key makes a second one impossible) and none is missing
            assertThat(first.sql()
                            .queryForObject(
                                    "SELECT count(*) FROM chunks c LEFT JOIN embeddings e ON e.chunk_id = c.id WHERE e.chunk_id IS NULL",
                                    Integer.class))
                    .isZero();
            assertThat(first.sql().queryForObject("SELECT count(*) FROM jobs WHERE status = 'complete'", Integer.class))
                    .isEqualTo(jobs);
        }
    }

    /** Uploads a phase's documents while only {@code worker} claims work, and waits for them to complete. */
    private static List<String> alone(RunningDocpipe worker, RunningDocpipe idle, int phase) throws Exception {
        for (String claim : CLAIMS) {
            idle.context().getRouteController().stopRoute(claim);
        }
        try {
            List<String> jobIds = uploadConcurrently(worker, idle, phase);
            awaitComplete(worker, jobIds);
            return jobIds;
        } finally {
            for (String claim : CLAIMS) {
                idle.context().getRouteController().startRoute(claim);
            }
        }
    }

    private static List<String> actors(RunningDocpipe app, List<String> jobIds) {
        return app.sql()
                .queryForList(
                        "SELECT DISTINCT actor FROM job_events WHERE from_status IS NOT NULL "
                                + "AND job_id::text = ANY (?)",
                        String.class,
                        (Object) jobIds.toArray(String[]::new));
    }

    private static void awaitComplete(RunningDocpipe app, List<String> jobIds) {
        for (String jobId : jobIds) {
            app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(90));
        }
    }

    /** Uploads through both instances' APIs alike: which one accepts an upload does not decide who works on it. */
    private static List<String> uploadConcurrently(RunningDocpipe first, RunningDocpipe second, int phase)
            throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> uploads = new ArrayList<>();
            for (int i = 0; i < UPLOADS_PER_PHASE; i++) {
                RunningDocpipe target = i % 2 == 0 ? first : second;
                String text = "Document " + i + " of phase " + phase + " for the two-instance test. "
                        + "Some body text. ".repeat(i + 1);
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
