package io.docpipe.document;

import io.docpipe.db.SqlStatements;
import java.util.Collection;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Writes the {@code search_changes} log that every instance's search index follows. Called inside the transaction
 * that changes what is searchable (a job completing, a version replaced, vectors re-embedded, a delete), so the
 * change and its log row commit together or not at all.
 */
public class SearchChangeLog {

    private final NamedParameterJdbcTemplate jdbc;

    public SearchChangeLog(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void documentChanged(UUID documentId) {
        jdbc.update(
                SqlStatements.load("search/record-change.sql"), new MapSqlParameterSource("document_id", documentId));
    }

    /** The documents of these chunks changed (their vectors were replaced). */
    public void chunksChanged(Collection<Long> chunkIds) {
        if (!chunkIds.isEmpty()) {
            jdbc.update(
                    SqlStatements.load("search/record-chunk-changes.sql"),
                    new MapSqlParameterSource("chunk_ids", chunkIds));
        }
    }
}
