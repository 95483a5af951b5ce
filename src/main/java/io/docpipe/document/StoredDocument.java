package io.docpipe.document;

import java.util.UUID;

/**
 * A document row; {@code storagePath} is relative to the data directory.
 *
 * @param sourceId the caller's path, URL or key the document is a version of, or null
 * @param version  its version within that source (1, 2, ...), or null without a source
 * @param deleted  deleted: the row stays for its job, but the document is gone from the API, search and storage
 */
public record StoredDocument(
        UUID id,
        String sha256,
        String filename,
        String mediaType,
        long sizeBytes,
        String storagePath,
        String sourceId,
        Integer version,
        boolean deleted) {}
