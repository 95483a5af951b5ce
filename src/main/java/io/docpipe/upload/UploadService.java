package io.docpipe.upload;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

import io.docpipe.api.ApiException;
import io.docpipe.db.SafeText;
import io.docpipe.db.SqlStatements;
import io.docpipe.document.DocumentRepository;
import io.docpipe.document.StoredDocument;
import io.docpipe.parse.TextExtractor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Accepts an uploaded file: checks it, stores its bytes and records the document with a job in {@code uploaded},
 * all or nothing. Identical bytes are recognised by SHA-256 and answered with the existing ids.
 */
public class UploadService {

    private static final Logger LOG = LoggerFactory.getLogger(UploadService.class);
    /** File names longer than this are cut (file systems allow 255 bytes; people read far less). */
    static final int MAX_NAME_CHARS = 255;

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final DocumentRepository documents;
    private final DocumentStore store;
    private final TextExtractor extractor;
    private final long maxSizeBytes;
    private final String actor;

    public UploadService(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, DocumentRepository documents,
            DocumentStore store, TextExtractor extractor, long maxSizeBytes, String actor) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.documents = documents;
        this.store = store;
        this.extractor = extractor;
        this.maxSizeBytes = maxSizeBytes;
        this.actor = actor;
    }

    /**
     * @param upload   the temporary file the HTTP server streamed the part to
     * @param filename the name the client gave the part
     * @param size     its size in bytes
     */
    public UploadReceipt accept(Path upload, String filename, long size) {
        if (size == 0) {
            throw new ApiException(400, "empty_file", "the uploaded file is empty");
        }
        if (size > maxSizeBytes) {
            throw new ApiException(413, "file_too_large",
                    "the uploaded file has " + size + " bytes; the limit is " + maxSizeBytes);
        }
        String mediaType = extractor.detectMediaType(upload, filename);
        if (!extractor.isSupported(mediaType)) {
            throw new ApiException(415, "unsupported_media_type",
                    "files of type " + mediaType + " are not supported");
        }
        String sha256 = DocumentStore.sha256(upload);
        Optional<UploadReceipt> existing = findBySha256(sha256);
        if (existing.isPresent()) {
            LOG.info("upload {} repeats document {}", filename, existing.get().documentId());
            return existing.get();
        }
        String storagePath = store.keep(upload, sha256);
        StoredDocument document = new StoredDocument(UUID.randomUUID(), sha256, safeName(filename), mediaType, size,
                storagePath, null);
        UUID jobId = UUID.randomUUID();
        String correlationId = UUID.randomUUID().toString();
        Boolean created = tx.execute(status -> {
            if (!documents.insert(document)) {
                return false; // an identical upload won the race
            }
            jdbc.update(SqlStatements.load("jobs/insert-job.sql"), new MapSqlParameterSource()
                    .addValue("job_id", jobId)
                    .addValue("document_id", document.id())
                    .addValue("correlation_id", correlationId)
                    .addValue("detail", "uploaded " + document.filename() + " (" + mediaType + ", " + size + " bytes)")
                    .addValue("actor", actor));
            return true;
        });
        if (!Boolean.TRUE.equals(created)) {
            return findBySha256(sha256).orElseThrow();
        }
        MDC.put("correlation_id", correlationId);
        LOG.info("accepted {} as document {} with job {}", document.filename(), document.id(), jobId);
        return new UploadReceipt(document.id(), jobId, correlationId, "uploaded", false);
    }

    private Optional<UploadReceipt> findBySha256(String sha256) {
        return jdbc.query(SqlStatements.load("jobs/find-upload-by-sha256.sql"),
                new MapSqlParameterSource("sha256", sha256),
                (rs, n) -> new UploadReceipt(rs.getObject("document_id", UUID.class), rs.getObject("job_id", UUID.class),
                        rs.getString("correlation_id"), rs.getString("status"), true))
                .stream().findFirst();
    }

    /**
     * A client-supplied name as docpipe stores and shows it: its last path segment, without control or invisible
     * formatting characters (NUL, line breaks, bidirectional overrides), at most {@link #MAX_NAME_CHARS} characters.
     */
    static String safeName(String filename) {
        if (filename == null) {
            return "upload";
        }
        StringBuilder visible = new StringBuilder();
        filename.codePoints()
                .filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)
                .forEach(visible::appendCodePoint);
        String name = visible.toString().replace('\\', '/');
        name = SafeText.line(name.substring(name.lastIndexOf('/') + 1).strip(), MAX_NAME_CHARS).strip();
        return name.isEmpty() || name.equals(".") || name.equals("..") ? "upload" : name;
    }
}
