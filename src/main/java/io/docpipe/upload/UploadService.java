package io.docpipe.upload;

import io.docpipe.db.SafeText;
import io.docpipe.db.SqlStatements;
import io.docpipe.document.DocumentRepository;
import io.docpipe.document.DocumentVersions;
import io.docpipe.document.StoredDocument;
import io.docpipe.http.ApiException;
import io.docpipe.job.JobStateMachine;
import io.docpipe.parse.TextExtractor;
import io.docpipe.storage.ContentAddress;
import io.docpipe.storage.DocumentStorage;
import io.docpipe.storage.DocumentStorage.StoredFile;
import io.docpipe.storage.StorageUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Accepts an uploaded file: checks it, stores its bytes and records the document with a job in {@code uploaded},
 * and answers only once both are done. The bytes go to the document store first ({@link DocumentStorage#prepare}:
 * a bucket is written outside any transaction), then the transaction that records the rows makes sure, under the
 * bytes' lock, that they are still there ({@link DocumentStorage#keep}): a crash in between leaves bytes without a
 * row (removed later by the purge-orphaned-files sweep), never a row without bytes. A store that cannot be reached
 * is answered 503, the upload taken by no one. Identical bytes are recognised by SHA-256 and answered with the existing ids: without a source,
 * any live document with those bytes; with a {@code source_id}, the source's newest version. Other bytes under a
 * known source are its next version ({@link DocumentVersions}).
 */
public class UploadService {

    private static final Logger LOG = LoggerFactory.getLogger(UploadService.class);
    /** File names longer than this are cut (file systems allow 255 bytes; people read far less). */
    static final int MAX_NAME_CHARS = 255;
    /** Source ids longer than this are refused (paths and URLs fit; a key is not a document). */
    static final int MAX_SOURCE_ID_CHARS = 2048;
    /** Seconds a client is asked to wait before uploading again while the document store cannot be reached. */
    public static final long STORAGE_RETRY_AFTER_SECONDS = 5;

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final DocumentRepository documents;
    private final DocumentVersions versions;
    private final DocumentStorage storage;
    private final TextExtractor extractor;
    private final long maxSizeBytes;
    private final JobStateMachine jobs;

    public UploadService(
            NamedParameterJdbcTemplate jdbc,
            TransactionTemplate tx,
            DocumentRepository documents,
            DocumentVersions versions,
            DocumentStorage storage,
            TextExtractor extractor,
            long maxSizeBytes,
            JobStateMachine jobs) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.documents = documents;
        this.versions = versions;
        this.storage = storage;
        this.extractor = extractor;
        this.maxSizeBytes = maxSizeBytes;
        this.jobs = jobs;
    }

    /**
     * @param upload   the temporary file the HTTP server streamed the part to
     * @param filename the name the client gave the part
     * @param size     its size in bytes
     * @param sourceId the caller's path, URL or key the upload is a version of, or null
     */
    public UploadReceipt accept(Path upload, String filename, long size, String sourceId) {
        String source = checkedSourceId(sourceId);
        if (size == 0) {
            throw new ApiException(400, "empty_file", "the uploaded file is empty");
        }
        if (size > maxSizeBytes) {
            throw new ApiException(
                    413, "file_too_large", "the uploaded file has " + size + " bytes; the limit is " + maxSizeBytes);
        }
        String mediaType = extractor.detectMediaType(upload, filename);
        if (!extractor.isSupported(mediaType)) {
            throw new ApiException(415, "unsupported_media_type", "files of type " + mediaType + " are not supported");
        }
        String sha256 = ContentAddress.sha256(upload);
        StoredFile file = new StoredFile(sha256, mediaType, safeName(filename), size);
        UploadReceipt receipt;
        try {
            // bytes a live document uses are stored (its rows prove it): nothing to send before the transaction
            if (!isStored(file.sha256())) {
                storage.prepare(upload, file);
            }
            receipt = record(upload, file, source);
        } catch (StorageUnavailableException e) {
            LOG.warn("upload {} refused: the document store cannot be reached: {}", safeName(filename), e.getMessage());
            throw new ApiException(
                    503,
                    "storage_unavailable",
                    "the document store cannot be reached; try again shortly",
                    STORAGE_RETRY_AFTER_SECONDS);
        } finally {
            deleteQuietly(upload);
        }
        if (receipt.duplicate()) {
            LOG.info("upload {} repeats document {}", safeName(filename), receipt.documentId());
            return receipt;
        }
        MDC.put("correlation_id", receipt.correlationId());
        LOG.info("accepted {} as document {} with job {}", safeName(filename), receipt.documentId(), receipt.jobId());
        return receipt;
    }

    /** The rows, in one transaction under the upload's locks; the existing ids when the bytes repeat a document. */
    private UploadReceipt record(Path upload, StoredFile file, String source) {
        return tx.execute(status -> {
            versions.lockUpload(source, file.sha256());
            Optional<DocumentVersions.Existing> existing = source == null
                    ? versions.duplicateOf(file.sha256())
                    : versions.latestVersionWith(source, file.sha256());
            if (existing.isPresent()) {
                DocumentVersions.Existing same = existing.get();
                return new UploadReceipt(
                        same.documentId(),
                        same.jobId(),
                        same.correlationId(),
                        same.status(),
                        true,
                        same.sourceId(),
                        same.version());
            }
            String storagePath = storage.keep(upload, file);
            Integer version = source == null ? null : versions.nextVersion(source);
            StoredDocument document = new StoredDocument(
                    UUID.randomUUID(),
                    file.sha256(),
                    file.filename(),
                    file.mediaType(),
                    file.sizeBytes(),
                    storagePath,
                    source,
                    version,
                    false);
            documents.insert(document);
            UUID jobId = UUID.randomUUID();
            String correlationId = UUID.randomUUID().toString();
            jobs.create(
                    jobId,
                    document.id(),
                    correlationId,
                    "uploaded " + document.filename() + " (" + file.mediaType() + ", " + file.sizeBytes() + " bytes)"
                            + (source == null ? "" : ", version " + version + " of its source"));
            return new UploadReceipt(document.id(), jobId, correlationId, "uploaded", false, source, version);
        });
    }

    private boolean isStored(String sha256) {
        Integer users = jdbc.queryForObject(
                SqlStatements.load("documents/count-live-with-bytes.sql"),
                new MapSqlParameterSource("sha256", sha256),
                Integer.class);
        return users != null && users > 0;
    }

    private static void deleteQuietly(Path upload) {
        try {
            // kept in a local store, the upload was moved: nothing is left here
            Files.deleteIfExists(upload);
        } catch (IOException e) {
            LOG.debug("could not remove the upload's temporary file {}: {}", upload, e.toString());
        }
    }

    /**
     * A source id is the caller's own path, URL or key, stored and shown as given: at most
     * {@link #MAX_SOURCE_ID_CHARS} characters, none of them control characters; blank means none.
     */
    static String checkedSourceId(String sourceId) {
        if (sourceId == null || sourceId.isBlank()) {
            return null;
        }
        if (sourceId.length() > MAX_SOURCE_ID_CHARS) {
            throw ApiException.badRequest("source_id has " + sourceId.length() + " characters; at most "
                    + MAX_SOURCE_ID_CHARS + " are allowed");
        }
        if (sourceId.codePoints()
                .anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
            throw ApiException.badRequest("source_id must not contain control or invisible formatting characters");
        }
        return sourceId;
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
        name = SafeText.line(name.substring(name.lastIndexOf('/') + 1).strip(), MAX_NAME_CHARS)
                .strip();
        return name.isEmpty() || name.equals(".") || name.equals("..") ? "upload" : name;
    }
}
