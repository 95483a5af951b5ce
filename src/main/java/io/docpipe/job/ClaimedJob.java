package io.docpipe.job;

import java.util.Map;
import java.util.UUID;

/** A job a stage has leased, as its claim query returned it. */
public record ClaimedJob(UUID id, UUID documentId, String correlationId, JobStatus status) {

    /** Reads a row of a {@code claim-*-work.sql} query (columns id, document_id, correlation_id, status). */
    public static ClaimedJob fromRow(Map<String, Object> row) {
        return new ClaimedJob(
                (UUID) row.get("id"),
                (UUID) row.get("document_id"),
                (String) row.get("correlation_id"),
                JobStatus.ofWireName((String) row.get("status")));
    }
}
