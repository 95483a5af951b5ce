package io.docpipe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.embed.EmbedStage;
import io.docpipe.embed.MockEmbeddingService;
import io.docpipe.embed.PendingBatch;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobStatus;
import io.docpipe.testsupport.RunningDocpipe;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A worker that dies mid-stage leaves its job leased; once the lease expires another worker takes the job over
 * and finishes it exactly once, without a second set of chunks or vectors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one instance for both tests: each works on its own document
class LeaseReclaimTest {

    private static final String DEAD_WORKER = "crashed-worker";

    private RunningDocpipe app;

    @BeforeAll
    void start() {
        app = RunningDocpipe.start(Map.of(
                "docpipe.lease-seconds", "2",
                // small chunks and tiny requests, so one document needs several embedding batches
                "docpipe.chunk.size-tokens", "24",
                "docpipe.chunk.overlap-tokens", "4",
                "docpipe.embedding.max-inputs-per-request", "2"));
    }

    @AfterAll
    void stop() {
        app.close();
    }

    /** A test that failed while it held a stage's claims must not hold them for the next test. */
    @AfterEach
    void startClaims() throws Exception {
        app.context().getRouteController().startRoute("claim-chunk-work");
        app.context().getRouteController().startRoute("claim-embed-work");
    }

    @Test
    void should_finish_a_job_whose_embed_worker_died_after_one_batch() throws Exception {
        app.context().getRouteController().stopRoute("claim-embed-work");
        ClaimedJob job = upload("embed-crash.txt");
        app.awaitJobStatus(job.id().toString(), "embedding_queued", Duration.ofSeconds(30));

        // the dead worker: leases the job, starts embedding, stores one batch, and is never heard of again
        leaseToDeadWorker(job.id());
        EmbedStage stage = bean("embedStage", EmbedStage.class);
        List<ClaimedJob> started = stage.start(
                List.of(new ClaimedJob(job.id(), job.documentId(), job.correlationId(), JobStatus.EMBEDDING_QUEUED)));
        assertThat(started).extracting(ClaimedJob::status).containsExactly(JobStatus.EMBEDDING_IN_PROGRESS);
        List<PendingBatch> batches = new java.util.ArrayList<>();
        stage.plan(started).forEach(batches::add);
        assertThat(batches).hasSizeGreaterThan(2);
        stage.store(bean("mockEmbeddingService", MockEmbeddingService.class).embed(batches.get(0)));
        Timestamp leaseExpiry = leaseExpiry(job.id());
        int chunks = count("SELECT count(*) FROM chunks WHERE document_id = ?", job.documentId());
        assertThat(count(
                        "SELECT count(*) FROM embeddings e JOIN chunks c ON c.id = e.chunk_id WHERE c.document_id = ?",
                        job.documentId()))
                .isEqualTo(2)
                .isLessThan(chunks);

        app.context().getRouteController().startRoute("claim-embed-work");
        app.awaitJobStatus(job.id().toString(), "complete", Duration.ofSeconds(30));

        assertThat(count("SELECT count(*) FROM chunks WHERE document_id = ?", job.documentId()))
                .isEqualTo(chunks);
        assertThat(count(
                        "SELECT count(*) FROM embeddings e JOIN chunks c ON c.id = e.chunk_id WHERE c.document_id = ?",
                        job.documentId()))
                .isEqualTo(chunks);
        assertThat(transitions(job.id(), "embedding_in_progress", "embeddings_stored"))
                .isOne();
        assertThat(transitions(job.id(), "embeddings_stored", "complete")).isOne();
        Map<String, Object> takeover = app.sql()
                .queryForMap(
                        "SELECT actor, at FROM job_events WHERE job_id = ? AND to_status = 'embeddings_stored'",
                        job.id());
        assertThat(takeover.get("actor")).isNotEqualTo(DEAD_WORKER);
        assertThat((Timestamp) takeover.get("at")).isAfterOrEqualTo(leaseExpiry);
    }

    @Test
    void should_finish_a_job_whose_chunk_worker_died_mid_stage() throws Exception {
        app.context().getRouteController().stopRoute("claim-chunk-work");
        ClaimedJob job = upload("chunk-crash.txt");
        app.awaitJobStatus(job.id().toString(), "parsed", Duration.ofSeconds(30));

        leaseToDeadWorker(job.id());
        bean("jobStateMachine", JobStateMachine.class)
                .advance(job, JobStatus.PARSED, JobStatus.CHUNKING, "then crashed");
        Timestamp leaseExpiry = leaseExpiry(job.id());

        app.context().getRouteController().startRoute("claim-chunk-work");
        JsonNode done = app.awaitJobStatus(job.id().toString(), "complete", Duration.ofSeconds(30));

        assertThat(done.path("events").findValuesAsText("to_status")).containsOnlyOnce("chunks_stored", "complete");
        assertThat(count(
                        "SELECT count(*) - count(DISTINCT ordinal) FROM chunks WHERE document_id = ?",
                        job.documentId()))
                .isZero();
        Timestamp stored = app.sql()
                .queryForObject(
                        "SELECT at FROM job_events WHERE job_id = ? AND to_status = 'chunks_stored'",
                        Timestamp.class,
                        job.id());
        assertThat(stored).isAfterOrEqualTo(leaseExpiry);
    }

    private ClaimedJob upload(String name) {
        String text = ("A worker may die at any moment. The lease on its job runs out. Another worker picks the job up "
                                + "and finishes what was left, once. ")
                        .repeat(12)
                // the tests share one instance: an upload of the same bytes would be the same document
                + name;
        JsonNode receipt =
                app.upload(name, text.getBytes(StandardCharsets.UTF_8)).json();
        return new ClaimedJob(
                UUID.fromString(receipt.path("job_id").asText()),
                UUID.fromString(receipt.path("document_id").asText()),
                receipt.path("correlation_id").asText(),
                JobStatus.UPLOADED);
    }

    private void leaseToDeadWorker(UUID jobId) {
        app.sql()
                .update(
                        "UPDATE jobs SET lease_owner = ?, lease_expires_at = now() + interval '2 seconds' WHERE id = ?",
                        DEAD_WORKER,
                        jobId);
    }

    private Timestamp leaseExpiry(UUID jobId) {
        return app.sql().queryForObject("SELECT lease_expires_at FROM jobs WHERE id = ?", Timestamp.class, jobId);
    }

    private int transitions(UUID jobId, String from, String to) {
        return count(
                "SELECT count(*) FROM job_events WHERE job_id = ? AND from_status = '" + from + "' AND to_status = '"
                        + to + "'",
                jobId);
    }

    private int count(String sql, Object... args) {
        return app.sql().queryForObject(sql, Integer.class, args);
    }

    private <T> T bean(String name, Class<T> type) {
        return app.context().getRegistry().lookupByNameAndType(name, type);
    }
}
