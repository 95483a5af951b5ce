package io.docpipe.document;

import io.docpipe.db.SqlStatements;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/** Reads and writes the {@code documents} table. */
public class DocumentRepository {

    private static final RowMapper<StoredDocument> ROW = (rs, n) -> new StoredDocument(
            rs.getObject("id", UUID.class),
            rs.getString("sha256"),
            rs.getString("filename"),
            rs.getString("media_type"),
            rs.getLong("size_bytes"),
            rs.getString("storage_path"),
            rs.getString("source_id"),
            (Integer) rs.getObject("version"),
            rs.getBoolean("deleted"));

    private final NamedParameterJdbcTemplate jdbc;

    public DocumentRepository(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<StoredDocument> find(UUID documentId) {
        return jdbc
                .query(
                        SqlStatements.load("documents/find-document.sql"),
                        new MapSqlParameterSource("id", documentId),
                        ROW)
                .stream()
                .findFirst();
    }

    /** Inserts a new document; the caller has ruled out duplicates under the upload's locks. */
    public void insert(StoredDocument document) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("id", document.id())
                .addValue("sha256", document.sha256())
                .addValue("filename", document.filename())
                .addValue("media_type", document.mediaType())
                .addValue("size_bytes", document.sizeBytes())
                .addValue("storage_path", document.storagePath())
                .addValue("source_id", document.sourceId())
                .addValue("version", document.version());
        jdbc.update(SqlStatements.load("documents/insert-document.sql"), params);
    }
}
