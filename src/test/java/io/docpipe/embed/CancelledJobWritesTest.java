package io.docpipe.embed;

import static org.assertj.core.api.Assertions.assertThat;

import io.docpipe.db.Database;
import io.docpipe.embed.PendingBatch.PendingChunk;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobStatus;
import io.docpipe.testsupport.TestPostgres;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The embed stage's writes check the job in the same statement: once a job is cancelled (its document deleted), a
 * batch that was already on its way stores no vector and books no cost on it, whatever the worker believes.
 */
class CancelledJobWritesTest {

    private static JdbcTemplate sql;
    private static EmbeddingRepository embeddings;
    private static JobStateMachine jobs;

    @BeforeAll
    static void database() {
        DataSource dataSource = TestPostgres.dataSource(TestPostgres.newDatabase());
        Database.migrate(dataSource);
        sql = new JdbcTemplate(dataSource);
        NamedParameterJdbcTemplate jdbc = new NamedParameterJdbcTemplate(dataSource);
        embeddings = new EmbeddingRepository(jdbc, "test-instance");
        jobs = new JobStateMachine(jdbc, "test-instance", to -> {});
    }

    @Test
    void should_store_no_vector_and_no_cost_for_a_cancelled_job() {
        UUID cancelled = jobWithChunk();
        UUID running = jobWithChunk();
        jobs.cancel(cancelled, "document deleted");

        embeddings.insert(batchFor(cancelled));
        embeddings.insert(batchFor(running));
        embeddings.addUsage(cancelled, 10, new BigDecimal("0.5"));
        embeddings.addUsage(running, 10, new BigDecimal("0.5"));

        assertThat(vectorsOf(cancelled)).isZero();
        assertThat(vectorsOf(running)).isEqualTo(1);
        assertThat(sql.queryForObject("SELECT cost_usd FROM jobs WHERE id = ?", BigDecimal.class, cancelled))
                .isZero();
        assertThat(sql.queryForObject("SELECT cost_usd FROM jobs WHERE id = ?", BigDecimal.class, running))
                .isEqualByComparingTo("0.5");
    }

    private static UUID jobWithChunk() {
        UUID document = UUID.randomUUID();
        UUID job = UUID.randomUUID();
        sql.update(
                "INSERT INTO documents (id, sha256, filename, media_type, size_bytes, storage_path) VALUES (?, ?, 'a.txt', 'text/plain', 1, 'x')",
                document,
                String.format("%064x", document.getMostSignificantBits() & Long.MAX_VALUE));
        sql.update(
                "INSERT INTO jobs (id, document_id, correlation_id, status) VALUES (?, ?, ?, 'embedding_in_progress')",
                job,
                document,
                "corr-" + job);
        sql.update(
                "INSERT INTO chunks (document_id, ordinal, text, token_count) VALUES (?, 0, 'some text', 2)", document);
        return job;
    }

    private static EmbeddedBatch batchFor(UUID job) {
        long chunk = sql.queryForObject(
                "SELECT c.id FROM chunks c JOIN jobs j ON j.document_id = c.document_id WHERE j.id = ?",
                Long.class,
                job);
        ClaimedJob claimed = new ClaimedJob(job, null, "corr-" + job, JobStatus.EMBEDDING_IN_PROGRESS);
        PendingBatch batch = new PendingBatch(List.of(new PendingChunk(chunk, claimed, "some text", 2)), 2);
        return new EmbeddedBatch(batch, List.of(new MockEmbedder(8).embed("some text")), "mock", "model", false, 0);
    }

    private static int vectorsOf(UUID job) {
        return sql.queryForObject(
                "SELECT count(*) FROM embeddings e JOIN chunks c ON c.id = e.chunk_id"
                        + " JOIN jobs j ON j.document_id = c.document_id WHERE j.id = ?",
                Integer.class,
                job);
    }
}
