package io.docpipe.upload;

import java.util.UUID;

/** What {@code POST /api/v1/documents} answers; {@code duplicate} means the same bytes were uploaded before. */
public record UploadReceipt(UUID documentId, UUID jobId, String correlationId, String status, boolean duplicate) {
}
