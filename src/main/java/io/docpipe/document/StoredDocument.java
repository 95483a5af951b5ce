package io.docpipe.document;

import java.util.UUID;

/** A document row; {@code storagePath} is relative to the data directory. */
public record StoredDocument(UUID id, String sha256, String filename, String mediaType, long sizeBytes,
        String storagePath, String parsedContent) {
}
