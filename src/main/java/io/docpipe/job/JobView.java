package io.docpipe.job;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A job as the API shows it; {@code events} is left out of listings. */
public record JobView(UUID jobId, UUID documentId, String correlationId, String status, int attempts, String lastError,
        String createdAt, String updatedAt, BigDecimal costUsd,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Event> events) {

    /** One row of the job's event log. */
    public record Event(String fromStatus, String toStatus, String at, String detail) {
    }

    public JobView withEvents(List<Event> events) {
        return new JobView(jobId, documentId, correlationId, status, attempts, lastError, createdAt, updatedAt, costUsd,
                events);
    }
}
