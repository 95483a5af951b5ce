package io.docpipe.document;

import io.docpipe.db.SqlStatements;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Versions of a caller's source ({@code source_id}): new bytes under a known source are its next version; the
 * version search uses (the current one) changes only when a newer version completes, in the transaction that
 * completes its job, so the old version stays searchable until then and a version that fails replaces nothing.
 * A document without a source is its own only version.
 */
public class DocumentVersions {

    /** One version as {@code GET /api/v1/documents?source_id=} lists it. */
    public record Version(
            UUID documentId,
            int version,
            String filename,
            String mediaType,
            long sizeBytes,
            String createdAt,
            UUID jobId,
            String status,
            boolean current) {}

    /** An existing document an upload repeats. */
    public record Existing(
            UUID documentId,
            UUID jobId,
            String correlationId,
            String status,
            String sourceId,
            Integer version,
            String sha256) {}

    /** A completed document's place among its source's versions. */
    private record Completed(UUID id, String sourceId, Integer version) {}

    private final NamedParameterJdbcTemplate jdbc;
    private final SearchChangeLog changes;

    public DocumentVersions(NamedParameterJdbcTemplate jdbc, SearchChangeLog changes) {
        this.jdbc = jdbc;
        this.changes = changes;
    }

    /**
     * Takes the upload's locks until its transaction ends: the source's (its versions are numbered one at a time),
     * then the bytes' (a delete removing the stored file waits, and identical uploads are recognised).
     */
    public void lockUpload(String sourceId, String sha256) {
        if (sourceId != null) {
            lock("source:" + sourceId);
        }
        lock("bytes:" + sha256);
    }

    /** Takes the lock of a stored file until the transaction ends. */
    public void lockBytes(String sha256) {
        lock("bytes:" + sha256);
    }

    /** The live document an upload of these bytes without a source repeats, if any. */
    public Optional<Existing> duplicateOf(String sha256) {
        return jdbc
                .query(
                        SqlStatements.load("documents/find-duplicate.sql"),
                        new MapSqlParameterSource("sha256", sha256),
                        (rs, n) -> existing(rs, sha256))
                .stream()
                .findFirst();
    }

    /** The source's newest version, when it has these very bytes: uploading them again is a duplicate. */
    public Optional<Existing> latestVersionWith(String sourceId, String sha256) {
        return jdbc
                .query(
                        SqlStatements.load("documents/find-latest-version.sql"),
                        new MapSqlParameterSource("source_id", sourceId),
                        (rs, n) -> existing(rs, rs.getString("sha256")))
                .stream()
                .filter(latest -> latest.sha256().equals(sha256))
                .findFirst();
    }

    /** The next version number of the source (1 for a new one). */
    public int nextVersion(String sourceId) {
        Integer version = jdbc.queryForObject(
                SqlStatements.load("documents/next-version.sql"),
                new MapSqlParameterSource("source_id", sourceId),
                Integer.class);
        return version == null ? 1 : version;
    }

    /**
     * The documents' jobs just completed (call inside that transaction): each becomes searchable, replacing its
     * source's current version unless a newer version completed first; the index is told of both. Reads only the
     * documents' sources and versions, in one query.
     */
    public void completed(List<UUID> documentIds) {
        if (documentIds.isEmpty()) {
            return;
        }
        List<Completed> completed = jdbc.query(
                SqlStatements.load("documents/find-versions-of.sql"),
                new MapSqlParameterSource("document_ids", documentIds.toArray(UUID[]::new)),
                (rs, n) -> new Completed(
                        rs.getObject("id", UUID.class), rs.getString("source_id"), (Integer) rs.getObject("version")));
        completed.forEach(this::completed);
    }

    private void completed(Completed document) {
        if (document.sourceId() == null) {
            changes.documentChanged(document.id());
            return;
        }
        Map<String, Object> source = jdbc.queryForMap(
                SqlStatements.load("documents/lock-source.sql"),
                new MapSqlParameterSource("source_id", document.sourceId()));
        Integer currentVersion = (Integer) source.get("current_version");
        if (currentVersion != null && currentVersion >= document.version()) {
            return; // a newer version is current already: this one is never searched
        }
        jdbc.update(
                SqlStatements.load("documents/make-current.sql"),
                new MapSqlParameterSource()
                        .addValue("source_id", document.sourceId())
                        .addValue("document_id", document.id())
                        .addValue("version", document.version()));
        changes.documentChanged(document.id());
        UUID replaced = (UUID) source.get("current_document_id");
        if (replaced != null) {
            changes.documentChanged(replaced);
        }
    }

    /** The source's live versions, newest first; empty for an unknown source. */
    public List<Version> list(String sourceId) {
        return jdbc.query(
                SqlStatements.load("documents/list-versions.sql"),
                new MapSqlParameterSource("source_id", sourceId),
                (rs, n) -> new Version(
                        rs.getObject("document_id", UUID.class),
                        rs.getInt("version"),
                        rs.getString("filename"),
                        rs.getString("media_type"),
                        rs.getLong("size_bytes"),
                        instant(rs.getTimestamp("created_at")),
                        rs.getObject("job_id", UUID.class),
                        rs.getString("status"),
                        rs.getBoolean("current")));
    }

    private void lock(String key) {
        jdbc.queryForObject(
                SqlStatements.load("documents/lock-upload.sql"),
                new MapSqlParameterSource("lock_key", key),
                Integer.class);
    }

    private static Existing existing(java.sql.ResultSet rs, String sha256) throws java.sql.SQLException {
        return new Existing(
                rs.getObject("document_id", UUID.class),
                rs.getObject("job_id", UUID.class),
                rs.getString("correlation_id"),
                rs.getString("status"),
                rs.getString("source_id"),
                (Integer) rs.getObject("version"),
                sha256);
    }

    private static String instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant().toString();
    }
}
