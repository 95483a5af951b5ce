package io.docpipe.job;

import java.util.Map;
import java.util.UUID;

/**
 * A job a stage has leased, as its claim query returned it.
 *
 * @param leaseToken the fencing token of the claim: the worker's moves and paid calls count only while the job still
 *                   carries it; null for a job acted on without a claim (a sweep, the API, a webhook)
 */
public record ClaimedJob(UUID id, UUID documentId, String correlationId, JobStatus status, Long leaseToken) {

    /** A job acted on without a claim of its own. */
    public ClaimedJob(UUID id, UUID documentId, String correlationId, JobStatus status) {
        this(id, documentId, correlationId, status, null);
    }

    /** Reads a row with columns id, document_id, correlation_id, status and, from a claim query, lease_token. */
    public static ClaimedJob fromRow(Map<String, Object> row) {
        return new ClaimedJob(
                (UUID) row.get("id"),
                (UUID) row.get("document_id"),
                (String) row.get("correlation_id"),
                JobStatus.ofWireName((String) row.get("status")),
                row.get("lease_token") == null ? null : ((Number) row.get("lease_token")).longValue());
    }

    /** The same claim, the job now in {@code now}. */
    public ClaimedJob in(JobStatus now) {
        return new ClaimedJob(id, documentId, correlationId, now, leaseToken);
    }
}
