package io.docpipe.api;

import java.io.File;
import java.util.Map;
import java.util.UUID;

import jakarta.activation.DataHandler;
import jakarta.activation.FileDataSource;

import io.docpipe.chunk.ChunkRepository;
import io.docpipe.document.DocumentRepository;
import io.docpipe.upload.UploadReceipt;
import io.docpipe.upload.UploadService;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.attachment.AttachmentMessage;

/** {@code /api/v1/documents}: uploads and the chunks of a document. */
public class DocumentsApi {

    static final String FILE_PART = "file";

    private final UploadService uploads;
    private final DocumentRepository documents;
    private final ChunkRepository chunks;

    public DocumentsApi(UploadService uploads, DocumentRepository documents, ChunkRepository chunks) {
        this.uploads = uploads;
        this.documents = documents;
        this.chunks = chunks;
    }

    /** The HTTP server has already streamed the multipart part to a temporary file. */
    public ApiResponse upload(Exchange exchange) {
        AttachmentMessage message = exchange.getMessage(AttachmentMessage.class);
        DataHandler part = message.hasAttachments() ? message.getAttachment(FILE_PART) : null;
        if (part == null || !(part.getDataSource() instanceof FileDataSource source)) {
            throw ApiException.badRequest("expected multipart/form-data with a part named 'file'");
        }
        File file = source.getFile();
        UploadReceipt receipt = uploads.accept(file.toPath(), source.getName(), file.length());
        return receipt.duplicate() ? ApiResponse.ok(receipt) : ApiResponse.accepted(receipt);
    }

    public ApiResponse chunks(@Header("document_id") String documentId) {
        UUID id = PathIds.parse(documentId, "document");
        if (documents.find(id).isEmpty()) {
            throw ApiException.notFound("no document " + documentId);
        }
        return ApiResponse.ok(Map.of("chunks", chunks.list(id)));
    }
}
