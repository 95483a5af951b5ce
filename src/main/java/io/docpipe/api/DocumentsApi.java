package io.docpipe.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.docpipe.chunk.ChunkRepository;
import io.docpipe.document.DocumentDeletion;
import io.docpipe.document.DocumentRepository;
import io.docpipe.document.DocumentVersions;
import io.docpipe.document.StoredDocument;
import io.docpipe.http.ApiException;
import io.docpipe.http.ApiResponse;
import io.docpipe.storage.ContentDisposition;
import io.docpipe.storage.DocumentStorage;
import io.docpipe.storage.DocumentStorage.Download;
import io.docpipe.storage.StorageUnavailableException;
import io.docpipe.storage.StoredFileMissingException;
import io.docpipe.upload.UploadReceipt;
import io.docpipe.upload.UploadService;
import jakarta.activation.DataHandler;
import jakarta.activation.FileDataSource;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.attachment.AttachmentMessage;
import org.springframework.transaction.support.TransactionTemplate;

/** {@code /api/v1/documents}: uploads, the versions of a source, the chunks of a document, downloads, deletes. */
public class DocumentsApi {

    static final String FILE_PART = "file";
    /** The optional form field naming the caller's source (path, URL or key) the upload is a version of. */
    static final String SOURCE_ID_FIELD = "source_id";

    private final UploadService uploads;
    private final DocumentRepository documents;
    private final ChunkRepository chunks;
    private final DocumentVersions versions;
    private final DocumentDeletion deletion;
    private final DocumentStorage storage;
    private final Duration linkLifetime;
    private final TransactionTemplate readTx;
    private final Path spoolDir;

    /**
     * @param linkLifetime how long a download link works ({@code docpipe.storage.link-seconds})
     * @param readTx       a read-only transaction, in which a document's chunks are read a few hundred at a time
     * @param spoolDir     where a chunks answer is written before it is sent (a document's chunks may be many)
     */
    public DocumentsApi(
            UploadService uploads,
            DocumentRepository documents,
            ChunkRepository chunks,
            DocumentVersions versions,
            DocumentDeletion deletion,
            DocumentStorage storage,
            Duration linkLifetime,
            TransactionTemplate readTx,
            Path spoolDir) {
        this.uploads = uploads;
        this.documents = documents;
        this.chunks = chunks;
        this.versions = versions;
        this.deletion = deletion;
        this.storage = storage;
        this.linkLifetime = linkLifetime;
        this.readTx = readTx;
        this.spoolDir = spoolDir;
    }

    /** The HTTP server has already streamed the multipart part to a temporary file. */
    public ApiResponse upload(Exchange exchange) {
        AttachmentMessage message = exchange.getMessage(AttachmentMessage.class);
        DataHandler part = message.hasAttachments() ? message.getAttachment(FILE_PART) : null;
        if (part == null || !(part.getDataSource() instanceof FileDataSource source)) {
            throw ApiException.badRequest("expected multipart/form-data with a part named 'file'");
        }
        File file = source.getFile();
        UploadReceipt receipt = uploads.accept(
                file.toPath(), source.getName(), file.length(), message.getHeader(SOURCE_ID_FIELD, String.class));
        return receipt.duplicate() ? ApiResponse.ok(receipt) : ApiResponse.accepted(receipt);
    }

    /**
     * The document's chunks, {@code {"chunks":[...]}}. A large document has hundreds of thousands: they are read from
     * a cursor and written to a spool file, which the HTTP server then streams to the client and deletes, so the
     * answer never lies whole in memory.
     */
    public ApiResponse chunks(@Header("document_id") String documentId) throws IOException {
        UUID id = PathIds.parse(documentId, "document");
        if (documents.find(id).filter(document -> !document.deleted()).isEmpty()) {
            throw ApiException.notFound("no document " + documentId);
        }
        Files.createDirectories(spoolDir);
        Path answer = Files.createTempFile(spoolDir, "chunks-", ".json");
        try {
            try (JsonGenerator json = JsonResponseWriter.JSON.createGenerator(Files.newOutputStream(answer))) {
                json.writeStartObject();
                json.writeArrayFieldStart("chunks");
                readTx.executeWithoutResult(status -> chunks.forEach(id, chunk -> {
                    try {
                        JsonResponseWriter.JSON.writeValue(json, chunk);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
                json.writeEndArray();
                json.writeEndObject();
            }
            return ApiResponse.stream(
                    "application/json", Files.newInputStream(answer, StandardOpenOption.DELETE_ON_CLOSE), null);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(answer);
            throw e;
        }
    }

    /** The source's live versions, newest first; an unknown source has none. */
    public ApiResponse versions(@Header(SOURCE_ID_FIELD) String sourceId) {
        if (sourceId == null || sourceId.isBlank()) {
            throw ApiException.badRequest(
                    "source_id is required: GET /api/v1/documents?source_id=<your path, URL or key>");
        }
        List<DocumentVersions.Version> found = versions.list(sourceId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source_id", sourceId);
        body.put(
                "current_document_id",
                found.stream()
                        .filter(DocumentVersions.Version::current)
                        .map(DocumentVersions.Version::documentId)
                        .findFirst()
                        .orElse(null));
        body.put("versions", found);
        return ApiResponse.ok(body);
    }

    /**
     * The document's bytes: from a bucket, a presigned GET link (JSON, so that no client sends its API token on to
     * the bucket by following a redirect); from a local store, the bytes themselves.
     */
    public ApiResponse download(@Header("document_id") String documentId) {
        StoredDocument document = documents
                .find(PathIds.parse(documentId, "document"))
                .filter(found -> !found.deleted())
                .orElseThrow(() -> ApiException.notFound("no document " + documentId));
        Download download;
        try {
            download =
                    storage.download(document.storagePath(), document.filename(), document.mediaType(), linkLifetime);
        } catch (StorageUnavailableException e) {
            throw new ApiException(
                    503,
                    "storage_unavailable",
                    "the document store cannot be reached; try again shortly",
                    UploadService.STORAGE_RETRY_AFTER_SECONDS);
        } catch (StoredFileMissingException e) {
            throw new ApiException(404, "file_missing", "the stored file of document " + documentId + " is missing");
        }
        if (download instanceof Download.Link link) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("document_id", document.id());
            body.put("filename", document.filename());
            body.put("media_type", document.mediaType());
            body.put("size_bytes", document.sizeBytes());
            body.put("url", link.url());
            body.put("expires_at", link.expiresAt().toString());
            return ApiResponse.ok(body);
        }
        return ApiResponse.stream(
                document.mediaType(),
                ((Download.Bytes) download).stream(),
                ContentDisposition.attachment(document.filename()));
    }

    public ApiResponse delete(@Header("document_id") String documentId) {
        if (!deletion.delete(PathIds.parse(documentId, "document"))) {
            throw ApiException.notFound("no document " + documentId);
        }
        return ApiResponse.noContent();
    }
}
