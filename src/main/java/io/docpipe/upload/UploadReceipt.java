package io.docpipe.upload;

import java.util.UUID;

/**
 * What {@code POST /api/v1/documents} answers; {@code duplicate} means the same bytes were uploaded before.
 *
 * @param sourceId the source the document is a version of, or null
 * @param version  its version within the source, or null
 */
public record UploadReceipt(
        UUID documentId,
        UUID jobId,
        String correlationId,
        String status,
        boolean duplicate,
        String sourceId,
        Integer version) {}
