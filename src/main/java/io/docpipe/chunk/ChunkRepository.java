package io.docpipe.chunk;

import io.docpipe.db.SqlStatements;
import io.docpipe.job.ClaimedJob;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/** Reads and writes the {@code chunks} table. */
public class ChunkRepository {

    /** A stored chunk with the provenance of its embedding, if it has one yet. */
    public record ChunkView(int ordinal, String text, int tokenCount, EmbeddingInfo embedding) {}

    public record EmbeddingInfo(String provider, String model, int dimensions) {}

    /** Rows fetched at a time when streaming a document's chunks (inside a transaction, PostgreSQL uses a cursor). */
    private static final int STREAM_FETCH_ROWS = 500;

    private final NamedParameterJdbcTemplate jdbc;
    private final String actor;
    private final NamedParameterJdbcTemplate streaming;

    /** @param actor names this instance in the event rows it writes */
    public ChunkRepository(NamedParameterJdbcTemplate jdbc, String actor) {
        this.jdbc = jdbc;
        this.actor = actor;
        JdbcTemplate cursor = new JdbcTemplate(jdbc.getJdbcTemplate().getDataSource());
        cursor.setFetchSize(STREAM_FETCH_ROWS);
        this.streaming = new NamedParameterJdbcTemplate(cursor);
    }

    /**
     * Stores a claimed job's chunks and moves it chunking -> chunks_stored with its event, in one statement, only
     * while the worker still holds the job (chunking again overwrites by ordinal, so it never duplicates).
     *
     * @return whether they were stored
     */
    public boolean store(ClaimedJob job, List<Chunk> chunks) {
        return storeLast(job, chunks, chunks.size());
    }

    /**
     * Stores a batch of a claimed job's chunks, not its last, only while the worker still holds the job; call it in
     * the transaction that then stores the last batch with {@link #storeLast}, which rolls it back if the job was
     * taken over meanwhile.
     *
     * @return whether the worker still holds the job (false: nothing was written, stop)
     */
    public boolean storeBatch(ClaimedJob job, List<Chunk> chunks) {
        return jdbc.update(SqlStatements.load("chunk/store-chunk-batch.sql"), chunkParameters(job, chunks)) > 0;
    }

    /**
     * Stores a claimed job's last chunks (its earlier ones stored by {@link #storeBatch} in the same transaction) and
     * moves it chunking -> chunks_stored with its event, in one statement, only while the worker still holds the job.
     *
     * @param chunkCount the job's chunks in all
     * @return whether they were stored (false: roll the transaction back)
     */
    public boolean storeLast(ClaimedJob job, List<Chunk> chunks, int chunkCount) {
        return !jdbc.queryForList(
                        SqlStatements.load("chunk/store-chunks.sql"),
                        chunkParameters(job, chunks)
                                .addValue("chunk_count", chunkCount)
                                .addValue("detail", chunkCount + " chunks")
                                .addValue("actor", actor),
                        java.util.UUID.class)
                .isEmpty();
    }

    private static MapSqlParameterSource chunkParameters(ClaimedJob job, List<Chunk> chunks) {
        return new MapSqlParameterSource()
                .addValue("job_id", job.id())
                .addValue("lease_token", job.leaseToken())
                .addValue("document_id", job.documentId())
                .addValue("ordinals", chunks.stream().map(Chunk::ordinal).toArray(Integer[]::new))
                .addValue("texts", chunks.stream().map(Chunk::text).toArray(String[]::new))
                .addValue("token_counts", chunks.stream().map(Chunk::tokenCount).toArray(Integer[]::new));
    }

    /**
     * Hands a document's chunks to {@code sink} in order, with the provenance of their embeddings. Call it inside a
     * transaction: the rows then come a few hundred at a time, so a document of any size is read in bounded memory.
     */
    public void forEach(UUID documentId, Consumer<ChunkView> sink) {
        streaming.query(
                SqlStatements.load("chunk/list-chunks.sql"),
                new MapSqlParameterSource("document_id", documentId),
                (RowCallbackHandler) rs -> sink.accept(new ChunkView(
                        rs.getInt("ordinal"),
                        rs.getString("text"),
                        rs.getInt("token_count"),
                        rs.getString("provider") == null
                                ? null
                                : new EmbeddingInfo(
                                        rs.getString("provider"), rs.getString("model"), rs.getInt("dimensions")))));
    }
}
