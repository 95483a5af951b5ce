package io.docpipe.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.docpipe.db.SqlStatements;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;

/** Reads and writes the {@code embeddings} table; vectors are PostgreSQL {@code real[]}. */
public class EmbeddingRepository {

    /** A chunk still waiting for its vector. */
    public record UnembeddedChunk(long chunkId, String text) {
    }

    private final NamedParameterJdbcTemplate jdbc;

    public EmbeddingRepository(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public List<UnembeddedChunk> findUnembedded(UUID documentId) {
        return jdbc.query(SqlStatements.load("embed/find-unembedded-chunks.sql"),
                new MapSqlParameterSource("document_id", documentId),
                (rs, n) -> new UnembeddedChunk(rs.getLong("id"), rs.getString("text")));
    }

    public int countUnembedded(UUID documentId) {
        Integer count = jdbc.queryForObject(SqlStatements.load("embed/count-unembedded-chunks.sql"),
                new MapSqlParameterSource("document_id", documentId), Integer.class);
        return count == null ? 0 : count;
    }

    /** Adds an embeddings request's billed tokens and their price to the job. */
    public void addUsage(UUID jobId, long tokens, java.math.BigDecimal costUsd) {
        jdbc.update(SqlStatements.load("jobs/add-cost.sql"), new MapSqlParameterSource()
                .addValue("job_id", jobId).addValue("cost_usd", costUsd).addValue("embedding_tokens", tokens));
    }

    /** The chunks whose vectors the mock made during an outage, oldest first. */
    public List<UnembeddedChunk> findFallbackEmbedded(int limit) {
        return jdbc.query(SqlStatements.load("embed/find-fallback-embeddings.sql"), new MapSqlParameterSource("limit", limit),
                (rs, n) -> new UnembeddedChunk(rs.getLong("id"), rs.getString("text")));
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
                    .addValue("vector", vector)
                    .addValue("fallback", embedded.fallback()));
        }
        return rows.toArray(SqlParameterSource[]::new);
    }
}
