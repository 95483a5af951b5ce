package io.docpipe.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.DocpipeApplication;
import io.docpipe.testsupport.RouteTestDocpipe;
import io.docpipe.testsupport.RunningDocpipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The sweeps at route level: docpipe booted once for the class with its real configuration and routes, each sweep
 * run by calling its route (sweep-&lt;name&gt;, Quartz consumer replaced by a direct endpoint) instead of waiting
 * for its schedule. The chunk and embed claims are direct endpoints too, so uploads stop at 'parsed' and a test
 * moves a job on by running the claim query itself and feeding the claimed rows to claim-chunk-work.
 */
@CamelMainTest(
        mainClass = DocpipeApplication.class,
        properties = RouteTestDocpipe.NO_RELOAD,
        replaceRouteFromWith = {
            "sweep-retry-failed-jobs=direct:sweep-retry-failed-jobs",
            "sweep-reclaim-expired-leases=direct:sweep-reclaim-expired-leases",
            "sweep-poll-overdue-parse-jobs=direct:sweep-poll-overdue-parse-jobs",
            "sweep-release-rescheduled-jobs=direct:sweep-release-rescheduled-jobs",
            "sweep-reembed-fallback-vectors=direct:sweep-reembed-fallback-vectors",
            "sweep-release-abandoned-reservations=direct:sweep-release-abandoned-reservations",
            "sweep-deliver-budget-alerts=direct:sweep-deliver-budget-alerts",
            "sweep-purge-expired-records=direct:sweep-purge-expired-records",
            "sweep-purge-orphaned-files=direct:sweep-purge-orphaned-files",
            "claim-chunk-work=direct:claim-chunk-work",
            "claim-embed-work=direct:claim-embed-work"
        })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SweepRoutesTest {

    private static final String DEAD_WORKER = "crashed-worker";

    private RouteTestDocpipe app;

    @org.apache.camel.BeanInject
    private CamelContext context;

    @org.apache.camel.Produce
    private ProducerTemplate template;

    @Configure
    void configure(MainConfigurationProperties main) {
        app = RouteTestDocpipe.configure(
                main, Map.of("docpipe.retry.max-attempts", "3", "docpipe.parse.poll-interval-ms", "50"));
    }

    @BeforeEach
    void bind() {
        app.on(context);
    }

    @Test
    void should_send_a_failed_job_whose_next_attempt_is_due_back_to_its_queue_and_leave_a_dead_one() {
        UUID due = parsedJob("retry-due.txt");
        UUID dead = parsedJob("retry-dead.txt");
        UUID later = parsedJob("retry-later.txt");
        failParse(due, "now() - interval '1 second'");
        failParse(dead, "NULL");
        failParse(later, "now() + interval '1 hour'");
        long run = runSweep("retry-failed-jobs");

        Map<String, Object> retried = job(due);
        // back in its queue: uploaded, or already claimed again by the parse stage (its claim polls every 50 ms)
        assertThat(retried.get("status")).isIn("uploaded", "parse_queued", "parsed");
        assertThat(retried.get("attempts")).isEqualTo(1);
        assertThat(details(due)).contains("automatic retry after attempt 1 of 3");
        assertThat(job(dead).get("status")).isEqualTo("failed_parse");
        assertThat(job(dead).get("not_before")).isNull();
        assertThat(job(later).get("status")).isEqualTo("failed_parse");
        assertThat(sweepRun(run)).containsEntry("affected", 1);
        // the retried job goes through the parse stage again (its claim is the real SQL consumer)
        await().atMost(Duration.ofSeconds(30)).until(() -> "parsed".equals(job(due).get("status")));
    }

    @Test
    void should_free_an_expired_lease_counting_the_attempt_so_the_chunk_claim_finishes_the_job_once() throws Exception {
        UUID job = parsedJob("lease.txt");
        // a worker claimed the job, started chunking, and died; a live worker's lease is left alone
        UUID alive = parsedJob("alive.txt");
        app.sql()
                .update(
                        "UPDATE jobs SET status = 'chunking', lease_owner = ?, lease_expires_at = now() - interval '1 second' "
                                + "WHERE id = ?",
                        DEAD_WORKER,
                        job);
        app.sql()
                .update(
                        "UPDATE jobs SET status = 'chunking', lease_owner = 'live-worker', "
                                + "lease_expires_at = now() + interval '1 hour' WHERE id = ?",
                        alive);
        long run = runSweep("reclaim-expired-leases");

        Map<String, Object> freed = job(job);
        assertThat(freed.get("status")).isEqualTo("chunking");
        assertThat(freed.get("lease_owner")).isNull();
        assertThat(freed.get("attempts")).isEqualTo(1);
        assertThat(details(job)).contains("lease of crashed-worker expired; released for another worker (attempt 1)");
        assertThat(job(alive).get("lease_owner")).isEqualTo("live-worker");
        assertThat(sweepRun(run)).containsEntry("affected", 1);

        List<Map<String, Object>> claimed = claimChunkWork();
        assertThat(claimed).extracting(row -> row.get("id")).containsExactly(job);
        assertThat(job(job).get("status")).isEqualTo("embedding_queued");
        assertThat(app.count("SELECT count(*) FROM job_events WHERE job_id = ? AND to_status = 'chunks_stored'", job))
                .isOne();
        assertThat(app.count(
                        "SELECT count(*) FROM chunks c JOIN jobs j ON j.document_id = c.document_id WHERE j.id = ?",
                        job))
                .isPositive();
        assertThat(app.count(
                        "SELECT count(*) - count(DISTINCT ordinal) FROM chunks c JOIN jobs j "
                                + "ON j.document_id = c.document_id WHERE j.id = ?",
                        job))
                .isZero();
    }

    @Test
    void should_fail_a_job_for_good_when_its_workers_keep_dying() {
        UUID job = parsedJob("poison.txt");
        app.sql()
                .update(
                        "UPDATE jobs SET status = 'chunking', attempts = 2, lease_owner = ?, "
                                + "lease_expires_at = now() - interval '1 second' WHERE id = ?",
                        DEAD_WORKER,
                        job);
        runSweep("reclaim-expired-leases");

        Map<String, Object> dead = job(job);
        assertThat(dead.get("status")).isEqualTo("failed_chunking");
        assertThat(dead.get("attempts")).isEqualTo(3);
        assertThat(dead.get("not_before")).isNull();
        assertThat(dead.get("last_error"))
                .isEqualTo("gave up after 3 attempts: the lease of its worker (last crashed-worker) expired");
    }

    @Test
    void should_release_a_job_rescheduled_for_a_budget_window_once_the_window_has_opened() throws Exception {
        UUID opened = parsedJob("window-opened.txt");
        UUID closed = parsedJob("window-closed.txt");
        claimChunkWork();
        assertThat(job(opened).get("status")).isEqualTo("embedding_queued");
        app.sql()
                .update(
                        "UPDATE jobs SET rescheduled_until = now() - interval '1 second', not_before = now() - "
                                + "interval '1 second' WHERE id = ?",
                        opened);
        app.sql()
                .update(
                        "UPDATE jobs SET rescheduled_until = now() + interval '1 hour', not_before = now() + "
                                + "interval '1 hour' WHERE id = ?",
                        closed);
        long run = runSweep("release-rescheduled-jobs");

        assertThat(job(opened).get("rescheduled_until")).isNull();
        assertThat(job(opened).get("status")).isEqualTo("embedding_queued");
        assertThat(details(opened)).anySatisfy(detail -> assertThat(detail)
                .startsWith("budget window opened at ")
                .endsWith("; released"));
        assertThat(job(closed).get("rescheduled_until")).isNotNull();
        assertThat(sweepRun(run)).containsEntry("affected", 1);
    }

    @Test
    void should_purge_records_past_retention_and_keep_live_jobs_history() {
        UUID finished = parsedJob("finished.txt");
        UUID live = parsedJob("live.txt");
        app.sql().update("UPDATE jobs SET status = 'complete' WHERE id = ?", finished);
        app.sql()
                .update(
                        "UPDATE job_events SET at = now() - interval '100 days' WHERE job_id IN (?, ?)",
                        finished,
                        live);
        app.sql().update("INSERT INTO cost_ledger (service, day, spent_usd) VALUES ('openai', current_date - 500, 1)");
        app.sql().update("INSERT INTO cost_ledger (service, day, spent_usd) VALUES ('openai', current_date - 5, 1)");
        long run = runSweep("purge-expired-records");

        // the route returns once the run is finished: nothing to wait for
        assertThat(app.count("SELECT count(*) FROM job_events WHERE job_id = ?", finished))
                .isZero();
        assertThat(app.count("SELECT count(*) FROM job_events WHERE job_id = ?", live))
                .isPositive();
        assertThat(app.sql().queryForList("SELECT current_date - day FROM cost_ledger", Integer.class))
                .containsExactly(5);
        assertThat((Integer) sweepRun(run).get("affected")).isPositive();
    }

    @Test
    void should_remove_old_stored_files_no_live_document_uses_and_keep_the_others() throws Exception {
        UUID job = parsedJob("kept.txt");
        Path live = app.dataDir()
                .resolve(app.sql()
                        .queryForObject(
                                "SELECT d.storage_path FROM documents d "
                                        + "JOIN jobs j ON j.document_id = d.id WHERE j.id = ?",
                                String.class,
                                job));
        // bytes stored by an upload whose rows never committed, long ago, and by one that may be committing now
        Path orphan = storedFile("0".repeat(64));
        Path recent = storedFile("1".repeat(64));
        FileTime longAgo = FileTime.from(Instant.now().minus(Duration.ofHours(7)));
        Files.setLastModifiedTime(orphan, longAgo);
        Files.setLastModifiedTime(live, longAgo);
        long run = runSweep("purge-orphaned-files");

        assertThat(orphan).doesNotExist();
        assertThat(live).exists();
        assertThat(recent).exists();
        assertThat(sweepRun(run)).containsEntry("affected", 1);
    }

    @Test
    void should_log_every_run_of_every_sweep_started_by_hand() {
        for (String sweep : RunningDocpipe.SWEEPS) {
            // the fire time is taken in milliseconds
            Timestamp before = app.sql().queryForObject("SELECT date_trunc('milliseconds', now())", Timestamp.class);
            Map<String, Object> run = sweepRun(runSweep(sweep));
            assertThat(run.get("sweep")).isEqualTo(sweep);
            assertThat(run.get("finished_at")).as(sweep).isNotNull();
            assertThat(run.get("affected")).as(sweep).isNotNull();
            // started by hand: no Quartz fire time, so the run is logged for the moment it started
            assertThat((Timestamp) run.get("scheduled_fire_time")).as(sweep).isAfterOrEqualTo(before);
        }
        assertThat(app.sql().queryForList("SELECT DISTINCT actor FROM sweep_runs", String.class))
                .hasSize(1);
    }

    /** Runs a sweep as its Quartz trigger would, and returns the id of the run it logged. */
    private long runSweep(String sweep) {
        Long last = app.sql().queryForObject("SELECT coalesce(max(id), 0) FROM sweep_runs", Long.class);
        NotifyBuilder done = new NotifyBuilder(context)
                .fromRoute("sweep-" + sweep)
                .whenDone(1)
                .create();
        template.sendBody("direct:sweep-" + sweep, null);
        assertThat(done.matches(10, TimeUnit.SECONDS)).as(sweep + " ran").isTrue();
        return app.sql()
                .queryForObject("SELECT id FROM sweep_runs WHERE sweep = ? AND id > ?", Long.class, sweep, last);
    }

    /**
     * Claims chunk work as the SQL consumer of claim-chunk-work would (the same query, run as a producer), and queues
     * each claimed row for the chunk workers as the route does; returns once the workers are done with every row.
     */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> claimChunkWork() {
        List<Map<String, Object>> rows =
                template.requestBody("sql:classpath:sql/chunk/claim-chunk-work.sql", null, List.class);
        String workers = RouteTestDocpipe.workersOf("claim-chunk-work");
        rows.forEach(row -> template.sendBody(workers, row));
        return rows;
    }

    /** Uploads a document and waits until the real parse stage has parsed it (chunk claims are direct endpoints). */
    private UUID parsedJob(String name) {
        JsonNode receipt = app.upload(name, "Sweeps keep the pipeline moving: " + name + " " + UUID.randomUUID());
        UUID job = UUID.fromString(receipt.path("job_id").asText());
        await().atMost(Duration.ofSeconds(30)).until(() -> "parsed".equals(job(job).get("status")));
        return job;
    }

    /** A file in the local document store, where the bytes of that SHA-256 would be. */
    private Path storedFile(String sha256) throws Exception {
        Path file = app.dataDir()
                .resolve("documents")
                .resolve(sha256.substring(0, 2))
                .resolve(sha256);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "bytes nobody recorded");
    }

    private void failParse(UUID job, String nextAttempt) {
        app.sql()
                .update(
                        "UPDATE jobs SET status = 'failed_parse', attempts = 1, last_error = 'attempt 1 of 3 failed: 503', "
                                + "not_before = " + nextAttempt + " WHERE id = ?",
                        job);
    }

    private Map<String, Object> job(UUID job) {
        return app.sql().queryForMap("SELECT * FROM jobs WHERE id = ?", job);
    }

    private List<String> details(UUID job) {
        return app.sql().queryForList("SELECT detail FROM job_events WHERE job_id = ? ORDER BY id", String.class, job);
    }

    private Map<String, Object> sweepRun(long id) {
        return app.sql().queryForMap("SELECT * FROM sweep_runs WHERE id = ?", id);
    }
}
