package io.docpipe.embed;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.docpipe.db.SqlStatements;
import io.docpipe.job.ClaimedJob;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;

/** Reads and writes the {@code embeddings} table; vectors are stored as {@link VectorBytes}. */
public class EmbeddingRepository {

    /** A chunk still waiting for its vector. */
    public record UnembeddedChunk(long chunkId, UUID documentId, String text) {
    }

    private final NamedParameterJdbcTemplate jdbc;
    private final String actor;

    /** @param actor names this instance in the event rows it writes */
    public EmbeddingRepository(NamedParameterJdbcTemplate jdbc, String actor) {
        this.jdbc = jdbc;
        this.actor = actor;
    }

    /** The chunks still without a vector of all the given documents, in one query, in document order. */
    public List<UnembeddedChunk> findUnembedded(List<UUID> documentIds) {
        if (documentIds.isEmpty()) {
            return List.of();
        }
        return jdbc.query(SqlStatements.load("embed/find-unembedded-chunks.sql"),
                new MapSqlParameterSource("document_ids", documentIds.toArray(UUID[]::new)),
                (rs, n) -> new UnembeddedChunk(rs.getLong("id"), rs.getObject("document_id", UUID.class), rs.getString("text")));
    }

    /**
     * Moves the jobs whose chunks all have a vector embedding_in_progress -> embeddings_stored with their events, in
     * one statement, those the worker still holds.
     *
     * @return the ids of the jobs that moved
     */
    public Set<UUID> storeEmbeddedJobs(List<ClaimedJob> jobs) {
        if (jobs.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.queryForList(SqlStatements.load("embed/store-embedded-jobs.sql"), new MapSqlParameterSource()
                .addValue("job_ids", jobs.stream().map(ClaimedJob::id).toArray(UUID[]::new))
                .addValue("lease_tokens", jobs.stream().map(ClaimedJob::leaseToken).toArray(Long[]::new))
                .addValue("actor", actor), UUID.class));
    }

    /** Adds an embeddings request's billed tokens and their price to the job. */
    public void addUsage(UUID jobId, long tokens, java.math.BigDecimal costUsd) {
        jdbc.update(SqlStatements.load("jobs/add-cost.sql"), new MapSqlParameterSource()
                .addValue("job_id", jobId).addValue("cost_usd", costUsd).addValue("embedding_tokens", tokens));
    }

    /** The chunks whose vectors the mock made during an outage, oldest first. */
    public List<UnembeddedChunk> findFallbackEmbedded(int limit) {
        return jdbc.query(SqlStatements.load("embed/find-fallback-embeddings.sql"), new MapSqlParameterSource("limit", limit),
                (rs, n) -> new UnembeddedChunk(rs.getLong("id"), null, rs.getString("text")));
    }

    /** Replaces fallback vectors with the real service's; a vector that is no longer a fallback is left alone. */
    public void replaceFallback(EmbeddedBatch embedded) {
        jdbc.batchUpdate(SqlStatements.load("embed/replace-fallback-embedding.sql"), rows(embedded));
    }

    /** Inserts a batch's vectors; a chunk that already has one keeps it. */
    public void insert(EmbeddedBatch embedded) {
        jdbc.batchUpdate(SqlStatements.load("embed/insert-embedding.sql"), rows(embedded));
    }

    private static SqlParameterSource[] rows(EmbeddedBatch embedded) {
        List<SqlParameterSource> rows = new ArrayList<>(embedded.vectors().size());
        for (int i = 0; i < embedded.vectors().size(); i++) {
            float[] vector = embedded.vectors().get(i);
            rows.add(new MapSqlParameterSource()
                    .addValue("chunk_id", embedded.batch().chunkIds().get(i))
                    .addValue("provider", embedded.provider())
                    .addValue("model", embedded.model())
                    .addValue("dimensions", vector.length)
                    .addValue("vector", VectorBytes.of(vector))
                    .addValue("fallback", embedded.fallback()));
        }
        return rows.toArray(SqlParameterSource[]::new);
    }
}
