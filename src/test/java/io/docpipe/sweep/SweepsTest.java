package io.docpipe.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobStatus;
import io.docpipe.testsupport.RunningDocpipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each sweep of routes/sweeps.yaml (run every second here) against one running docpipe in mock mode, shared by the
 * tests: each works on its own documents. Where a test needs a sweep to have run after its own change, it runs the
 * sweep by hand (its direct:&lt;name&gt; route, as from Hawtio) instead of waiting for the schedule; the schedules
 * themselves are checked by the last test. SweepRoutesTest covers the same sweeps at route level.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SweepsTest {

    private static final List<String> CLAIMS = List.of("claim-parse-work", "claim-chunk-work");

    private RunningDocpipe app;

    @BeforeAll
    void start() {
        app = RunningDocpipe.start(Map.of("docpipe.retry.max-attempts", "3"));
    }

    @AfterAll
    void stop() {
        app.close();
    }

    /** A test that held a stage's claims lets them go again, for the next test. */
    @AfterEach
    void startClaims() throws Exception {
        for (String claim : CLAIMS) {
            app.context().getRouteController().startRoute(claim);
        }
    }

    @Test
    void should_retry_a_failed_job_once_its_next_attempt_is_due() throws Exception {
        UUID job = uploadHeldIn("claim-parse-work", "retry.txt");
        stateMachine()
                .fail(
                        new ClaimedJob(job, null, null, JobStatus.UPLOADED),
                        JobStatus.UPLOADED,
                        JobStatus.FAILED_PARSE,
                        "attempt 1 of 3 failed: 503",
                        Instant.now().plusSeconds(1));
        JsonNode failed = app.get("/api/v1/jobs/" + job).json();
        assertThat(failed.path("status").asText()).isEqualTo("failed_parse");
        assertThat(failed.path("dead").asBoolean()).isFalse();
        assertThat(failed.path("next_attempt_at").asText()).isNotBlank();

        app.context().getRouteController().startRoute("claim-parse-work");
        JsonNode done = app.awaitJobStatus(job.toString(), "complete", Duration.ofSeconds(30));
        assertThat(done.path("attempts").asInt()).isEqualTo(1);
        assertThat(done.path("events").findValuesAsText("detail")).contains("automatic retry after attempt 1 of 3");
    }

    @Test
    void should_leave_a_dead_job_alone_list_it_and_let_a_person_retry_it() throws Exception {
        UUID job = uploadHeldIn("claim-parse-work", "dead.txt");
        stateMachine()
                .fail(
                        new ClaimedJob(job, null, null, JobStatus.UPLOADED),
                        JobStatus.UPLOADED,
                        JobStatus.FAILED_PARSE,
                        "gave up after 3 attempts: 503",
                        null);
        app.context().getRouteController().startRoute("claim-parse-work");

        runSweep("retry-failed-jobs");
        JsonNode dead = app.get("/api/v1/jobs/" + job).json();
        assertThat(dead.path("status").asText()).isEqualTo("failed_parse");
        assertThat(dead.path("dead").asBoolean()).isTrue();
        assertThat(dead.path("next_attempt_at").isNull()).isTrue();
        // the other tests' dead jobs are listed too: each listed job is dead
        List<String> listed =
                app.get("/api/v1/jobs?dead=true").json().path("jobs").findValuesAsText("job_id");
        assertThat(listed).contains(job.toString()).allSatisfy(id -> assertThat(
                        app.get("/api/v1/jobs/" + id).json().path("dead").asBoolean())
                .as(id)
                .isTrue());
        assertThat(app.get("/api/v1/jobs?dead=maybe").status()).isEqualTo(400);

        assertThat(app.post("/api/v1/jobs/" + job + "/retry").status()).isEqualTo(202);
        JsonNode retried = app.awaitJobStatus(job.toString(), "complete", Duration.ofSeconds(30));
        assertThat(retried.path("attempts").asInt()).isZero();
        assertThat(retried.path("events").findValuesAsText("detail")).contains("manual retry (attempts reset from 1)");
        assertThat(app.get("/api/v1/jobs?dead=true").json().path("jobs").findValuesAsText("job_id"))
                .doesNotContain(job.toString());
    }

    @Test
    void should_free_an_expired_lease_so_the_job_resumes_counting_the_lost_attempt() throws Exception {
        UUID job = uploadHeldIn("claim-chunk-work", "lease.txt");
        app.awaitJobStatus(job.toString(), "parsed", Duration.ofSeconds(30));
        app.sql()
                .update(
                        "UPDATE jobs SET status = 'chunking', lease_owner = 'crashed-worker', "
                                + "lease_expires_at = now() - interval '1 second' WHERE id = ?",
                        job);

        app.context().getRouteController().startRoute("claim-chunk-work");
        JsonNode done = app.awaitJobStatus(job.toString(), "complete", Duration.ofSeconds(30));
        assertThat(done.path("attempts").asInt()).isEqualTo(1);
        assertThat(done.path("events").findValuesAsText("detail"))
                .contains("lease of crashed-worker expired; released for another worker (attempt 1)");
    }

    @Test
    void should_fail_a_job_for_good_when_its_workers_keep_dying() throws Exception {
        UUID job = uploadHeldIn("claim-chunk-work", "poison.txt");
        app.awaitJobStatus(job.toString(), "parsed", Duration.ofSeconds(30));
        app.sql()
                .update(
                        "UPDATE jobs SET status = 'chunking', attempts = 2, lease_owner = 'crashed-worker', "
                                + "lease_expires_at = now() - interval '1 second' WHERE id = ?",
                        job);

        JsonNode dead = app.awaitJobStatus(job.toString(), "failed_chunking", Duration.ofSeconds(30));
        assertThat(dead.path("dead").asBoolean()).isTrue();
        assertThat(dead.path("attempts").asInt()).isEqualTo(3);
        assertThat(dead.path("last_error").asText())
                .isEqualTo("gave up after 3 attempts: the lease of its worker (last crashed-worker) expired");
    }

    @Test
    void should_purge_records_past_retention_and_keep_live_jobs_history() throws Exception {
        UUID finished = upload("finished.txt");
        app.awaitJobStatus(finished.toString(), "complete", Duration.ofSeconds(30));
        UUID live = uploadHeldIn("claim-parse-work", "live.txt");
        app.sql()
                .update(
                        "UPDATE job_events SET at = now() - interval '100 days' WHERE job_id IN (?, ?)",
                        finished,
                        live);
        app.sql().update("INSERT INTO cost_ledger (service, day, spent_usd) VALUES ('openai', current_date - 500, 1)");
        app.sql().update("INSERT INTO cost_ledger (service, day, spent_usd) VALUES ('openai', current_date - 5, 1)");

        // a run by hand returns once finished (a scheduled run may delete some of it first)
        runSweep("purge-expired-records");
        assertThat(count("SELECT count(*) FROM job_events WHERE job_id = ?", finished))
                .isZero();
        assertThat(count("SELECT count(*) FROM job_events WHERE job_id = ?", live))
                .isPositive();
        assertThat(app.sql().queryForList("SELECT current_date - day FROM cost_ledger", Integer.class))
                .containsExactly(5);
    }

    @Test
    void should_log_every_run_of_every_sweep() {
        for (String sweep : RunningDocpipe.SWEEPS) {
            awaitSweepRuns(sweep, 1);
        }
        assertThat(app.sql().queryForList("SELECT DISTINCT actor FROM sweep_runs", String.class))
                .hasSize(1);
        // each run is logged for the fire time it ran for, not a later one (Quartz may fire up to 2 ms early)
        assertThat(count(
                        "SELECT count(*) FROM sweep_runs WHERE scheduled_fire_time > started_at + interval '1 second'"))
                .isZero();
    }

    /** Runs a sweep by hand, as from Hawtio: its route returns once the run is finished. */
    private void runSweep(String sweep) throws Exception {
        try (ProducerTemplate template = app.context().createProducerTemplate()) {
            template.sendBody("direct:" + sweep, null);
        }
    }

    private void awaitSweepRuns(String sweep, int runs) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> count("SELECT count(*) FROM sweep_runs WHERE sweep = ? AND finished_at IS NOT NULL", sweep)
                        >= runs);
    }

    /** Uploads a document with a stage's claim stopped, so the job waits before that stage. */
    private UUID uploadHeldIn(String claimRoute, String name) throws Exception {
        app.context().getRouteController().stopRoute(claimRoute);
        return upload(name);
    }

    private UUID upload(String name) {
        return UUID.fromString(
                app.upload(name, ("Sweeps keep the pipeline moving: " + name).getBytes(StandardCharsets.UTF_8))
                        .json()
                        .path("job_id")
                        .asText());
    }

    private JobStateMachine stateMachine() {
        return app.context().getRegistry().lookupByNameAndType("jobStateMachine", JobStateMachine.class);
    }

    private int count(String sql, Object... args) {
        Integer count = app.sql().queryForObject(sql, Integer.class, args);
        return count == null ? 0 : count;
    }
}
