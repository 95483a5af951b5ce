package io.docpipe.chunk;

import java.util.List;
import java.util.UUID;

import io.docpipe.db.SqlStatements;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;

/** Reads and writes the {@code chunks} table. */
public class ChunkRepository {

    /** A stored chunk with the provenance of its embedding, if it has one yet. */
    public record ChunkView(int ordinal, String text, int tokenCount, EmbeddingInfo embedding) {
    }

    public record EmbeddingInfo(String provider, String model, int dimensions) {
    }

    private final NamedParameterJdbcTemplate jdbc;

    public ChunkRepository(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Replaces a document's chunks (their embeddings go with them), so chunking again never duplicates. */
    public void replace(UUID documentId, List<Chunk> chunks) {
        jdbc.update(SqlStatements.load("chunk/delete-chunks.sql"), new MapSqlParameterSource("document_id", documentId));
        SqlParameterSource[] rows = chunks.stream()
                .map(c -> new MapSqlParameterSource()
                        .addValue("document_id", documentId)
                        .addValue("ordinal", c.ordinal())
                        .addValue("text", c.text())
                        .addValue("token_count", c.tokenCount()))
                .toArray(SqlParameterSource[]::new);
        jdbc.batchUpdate(SqlStatements.load("chunk/insert-chunk.sql"), rows);
    }

    public List<ChunkView> list(UUID documentId) {
        return jdbc.query(SqlStatements.load("chunk/list-chunks.sql"), new MapSqlParameterSource("document_id", documentId),
                (rs, n) -> new ChunkView(rs.getInt("ordinal"), rs.getString("text"), rs.getInt("token_count"),
                        rs.getString("provider") == null ? null
                                : new EmbeddingInfo(rs.getString("provider"), rs.getString("model"), rs.getInt("dimensions"))));
    }
}
