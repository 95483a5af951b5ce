package io.docpipe.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * A job as the API shows it; {@code events} is left out of listings. {@code nextAttemptAt} is when a waiting,
 * rescheduled or failed job is next worked on (null: at once, or, failed, never by itself); {@code dead} marks a
 * failed job no automatic retry will pick up (a permanent failure, or its last attempt); {@code rescheduledUntil}
 * is the budget window a rescheduled job waits for; {@code parseJobId} the LlamaParse job of its parse, if any;
 * {@code failedPages} the pages LlamaParse could not parse in a job stored without them (left out when none).
 */
public record JobView(
        UUID jobId,
        UUID documentId,
        String correlationId,
        String status,
        int attempts,
        String lastError,
        String createdAt,
        String updatedAt,
        BigDecimal costUsd,
        String nextAttemptAt,
        String rescheduledUntil,
        boolean dead,
        String parseJobId,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Integer> failedPages,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Event> events) {

    /** One row of the job's event log. */
    public record Event(String fromStatus, String toStatus, String at, String detail) {}

    public JobView withEvents(List<Event> events) {
        return new JobView(
                jobId,
                documentId,
                correlationId,
                status,
                attempts,
                lastError,
                createdAt,
                updatedAt,
                costUsd,
                nextAttemptAt,
                rescheduledUntil,
                dead,
                parseJobId,
                failedPages,
                events);
    }
}
