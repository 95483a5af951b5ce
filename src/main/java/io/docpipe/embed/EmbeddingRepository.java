package io.docpipe.embed;

import io.docpipe.db.SqlStatements;
import io.docpipe.job.ClaimedJob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;

/**
 * Reads and writes the {@code embeddings} table; vectors are stored as {@link VectorBytes}. The only code that reads
 * or writes vectors: their storage format can change here alone.
 */
public class EmbeddingRepository {

    /** Rows fetched at a time when streaming vectors (inside a transaction, PostgreSQL then uses a cursor). */
    private static final int STREAM_FETCH_ROWS = 256;
    /** Documents per statement when streaming the chunks of changed documents (bind parameters are limited). */
    private static final int DOCUMENTS_PER_STATEMENT = 500;

    /** A chunk still waiting for its vector, with its tokens as the chunk stage counted them. */
    public record UnembeddedChunk(long chunkId, UUID documentId, int ordinal, String text, int tokenCount) {}

    /** A chunk search can find: its text, its document's names, and its vector with its provenance. */
    public record SearchableChunk(
            long chunkId,
            UUID documentId,
            String filename,
            String sourceId,
            int ordinal,
            String text,
            String provider,
            String model,
            boolean fallback,
            float[] vector) {}

    private final NamedParameterJdbcTemplate jdbc;
    private final String actor;
    private final NamedParameterJdbcTemplate streaming;

    /** @param actor names this instance in the event rows it writes */
    public EmbeddingRepository(NamedParameterJdbcTemplate jdbc, String actor) {
        this.jdbc = jdbc;
        this.actor = actor;
        JdbcTemplate cursor = new JdbcTemplate(jdbc.getJdbcTemplate().getDataSource());
        cursor.setFetchSize(STREAM_FETCH_ROWS);
        this.streaming = new NamedParameterJdbcTemplate(cursor);
    }

    /**
     * Streams every searchable chunk (complete, current, not deleted) to {@code sink}. Call it inside a transaction:
     * the rows then come from one snapshot, a few at a time.
     */
    public void streamSearchable(Consumer<SearchableChunk> sink) {
        streaming.query(
                SqlStatements.load("embed/stream-searchable-chunks.sql"),
                new MapSqlParameterSource(),
                (RowCallbackHandler) rs -> sink.accept(searchable(rs)));
    }

    /** As {@link #streamSearchable(Consumer)}, for these documents only (those no longer searchable give nothing). */
    public void streamSearchable(List<UUID> documentIds, Consumer<SearchableChunk> sink) {
        for (int from = 0; from < documentIds.size(); from += DOCUMENTS_PER_STATEMENT) {
            List<UUID> some = documentIds.subList(from, Math.min(documentIds.size(), from + DOCUMENTS_PER_STATEMENT));
            streaming.query(
                    SqlStatements.load("embed/stream-searchable-chunks-of.sql"),
                    new MapSqlParameterSource("document_ids", some),
                    (RowCallbackHandler) rs -> sink.accept(searchable(rs)));
        }
    }

    private static SearchableChunk searchable(ResultSet rs) throws SQLException {
        return new SearchableChunk(
                rs.getLong("chunk_id"),
                rs.getObject("document_id", UUID.class),
                rs.getString("filename"),
                rs.getString("source_id"),
                rs.getInt("ordinal"),
                rs.getString("text"),
                rs.getString("provider"),
                rs.getString("model"),
                rs.getBoolean("fallback"),
                VectorBytes.read(rs.getBytes("vector")));
    }

    /** The chunks still without a vector of all the given documents, in one query, in document order. */
    public List<UnembeddedChunk> findUnembedded(List<UUID> documentIds) {
        return findUnembedded(documentIds, null, Integer.MAX_VALUE);
    }

    /**
     * At most {@code limit} chunks still without a vector of the given documents, in document order, from after
     * {@code after} (null: from the start).
     */
    public List<UnembeddedChunk> findUnembedded(List<UUID> documentIds, UnembeddedChunk after, int limit) {
        if (documentIds.isEmpty()) {
            return List.of();
        }
        return jdbc.query(
                SqlStatements.load("embed/find-unembedded-chunks.sql"),
                new MapSqlParameterSource("document_ids", documentIds.toArray(UUID[]::new))
                        .addValue("after_document", after == null ? new UUID(0, 0) : after.documentId())
                        .addValue("after_ordinal", after == null ? -1 : after.ordinal())
                        .addValue("limit", limit),
                (rs, n) -> new UnembeddedChunk(
                        rs.getLong("id"),
                        rs.getObject("document_id", UUID.class),
                        rs.getInt("ordinal"),
                        rs.getString("text"),
                        rs.getInt("token_count")));
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
        return new HashSet<>(jdbc.queryForList(
                SqlStatements.load("embed/store-embedded-jobs.sql"),
                new MapSqlParameterSource()
                        .addValue("job_ids", jobs.stream().map(ClaimedJob::id).toArray(UUID[]::new))
                        .addValue(
                                "lease_tokens",
                                jobs.stream().map(ClaimedJob::leaseToken).toArray(Long[]::new))
                        .addValue("actor", actor),
                UUID.class));
    }

    /** Adds an embeddings request's billed tokens and their price to the job. */
    public void addUsage(UUID jobId, long tokens, java.math.BigDecimal costUsd) {
        jdbc.update(
                SqlStatements.load("jobs/add-cost.sql"),
                new MapSqlParameterSource()
                        .addValue("job_id", jobId)
                        .addValue("cost_usd", costUsd)
                        .addValue("embedding_tokens", tokens));
    }

    /** The chunks whose vectors the mock made during an outage, oldest first. */
    public List<UnembeddedChunk> findFallbackEmbedded(int limit) {
        return jdbc.query(
                SqlStatements.load("embed/find-fallback-embeddings.sql"),
                new MapSqlParameterSource("limit", limit),
                (rs, n) ->
                        new UnembeddedChunk(rs.getLong("id"), null, 0, rs.getString("text"), rs.getInt("token_count")));
    }

    /** Replaces fallback vectors with the real service's; a vector that is no longer a fallback is left alone. */
    public void replaceFallback(EmbeddedBatch embedded) {
        jdbc.batchUpdate(SqlStatements.load("embed/replace-fallback-embedding.sql"), rows(embedded));
    }

    /** Inserts a batch's vectors; a chunk that already has one keeps it, and a deleted document's chunk gets none. */
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
