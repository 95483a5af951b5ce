package io.docpipe.document;

import io.docpipe.db.SqlStatements;
import io.docpipe.job.JobStateMachine;
import io.docpipe.storage.DocumentStorage;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes a document: in one transaction its job is cancelled (unless it completed), its chunks and vectors are
 * removed, it stops being its source's current version, and the search indexes are told; then its stored file is
 * removed from the document store unless another live document has the same bytes (a file the store could not remove
 * then is removed later by the purge-orphaned-files sweep). The row stays, marked deleted, so its job still shows
 * how it ended.
 *
 * <p>No stage writes for the document afterwards, and the database guarantees it: the document's row and then its
 * job's are locked first, so a stage transaction already writing finishes before; every later stage write is
 * either a compare-and-set of the job's status (which finds it {@code cancelled}) or, for vectors, an insert that
 * checks the job in the same statement.
 */
public class DocumentDeletion {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentDeletion.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final JobStateMachine jobs;
    private final DocumentVersions versions;
    private final SearchChangeLog changes;
    private final DocumentStorage storage;

    public DocumentDeletion(
            NamedParameterJdbcTemplate jdbc,
            TransactionTemplate tx,
            JobStateMachine jobs,
            DocumentVersions versions,
            SearchChangeLog changes,
            DocumentStorage storage) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.jobs = jobs;
        this.versions = versions;
        this.changes = changes;
        this.storage = storage;
    }

    /** @return false when there is no such document (or it was deleted already): nothing changed */
    public boolean delete(UUID documentId) {
        Map<String, Object> deleted = tx.execute(status -> {
            Map<String, Object> document = jdbc
                    .queryForList(
                            SqlStatements.load("documents/lock-document.sql"),
                            new MapSqlParameterSource("document_id", documentId))
                    .stream()
                    .findFirst()
                    .orElse(null);
            if (document == null || Boolean.TRUE.equals(document.get("deleted"))) {
                return null;
            }
            jobs.cancel((UUID) document.get("job_id"), "document deleted");
            jdbc.update(
                    SqlStatements.load("documents/mark-deleted.sql"),
                    new MapSqlParameterSource("document_id", documentId));
            if (document.get("source_id") != null) {
                jdbc.update(
                        SqlStatements.load("documents/forget-current.sql"),
                        new MapSqlParameterSource()
                                .addValue("source_id", document.get("source_id"))
                                .addValue("document_id", documentId));
            }
            changes.documentChanged(documentId);
            return document;
        });
        if (deleted == null) {
            return false;
        }
        removeStoredFile((String) deleted.get("sha256"), (String) deleted.get("storage_path"));
        LOG.info("deleted document {}", documentId);
        return true;
    }

    /** Under the bytes' lock, so an upload of the same bytes either keeps the file or stores it anew. */
    private void removeStoredFile(String sha256, String storagePath) {
        tx.executeWithoutResult(status -> {
            versions.lockBytes(sha256);
            Integer users = jdbc.queryForObject(
                    SqlStatements.load("documents/count-live-with-bytes.sql"),
                    new MapSqlParameterSource("sha256", sha256),
                    Integer.class);
            if (users != null && users > 0) {
                return;
            }
            try {
                storage.remove(storagePath);
            } catch (RuntimeException e) {
                LOG.warn(
                        "could not remove the stored file {} (the purge-orphaned-files sweep will): {}",
                        storagePath,
                        e.getMessage());
            }
        });
    }
}
