package io.docpipe.job;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The states of an ingestion job, spelled on the wire and in the database in lower snake case. */
public enum JobStatus {
    UPLOADED,
    PARSE_QUEUED,
    PARSED,
    CHUNKING,
    CHUNKS_STORED,
    EMBEDDING_QUEUED,
    EMBEDDING_IN_PROGRESS,
    EMBEDDINGS_STORED,
    COMPLETE,
    FAILED_PARSE,
    FAILED_CHUNKING,
    FAILED_EMBEDDING,
    /** Terminal: the document was deleted while its job had not completed. */
    CANCELLED;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() {
        return wireName;
    }

    public boolean isFailed() {
        return this == FAILED_PARSE || this == FAILED_CHUNKING || this == FAILED_EMBEDDING;
    }

    /** No transition leaves this state. */
    public boolean isTerminal() {
        return this == COMPLETE || this == CANCELLED;
    }

    /** The failed state of the stage a job in this state is in; empty between stages (nothing can fail there). */
    public Optional<JobStatus> failedState() {
        return switch (this) {
            case UPLOADED, PARSE_QUEUED -> Optional.of(FAILED_PARSE);
            case PARSED, CHUNKING -> Optional.of(FAILED_CHUNKING);
            case EMBEDDING_QUEUED, EMBEDDING_IN_PROGRESS -> Optional.of(FAILED_EMBEDDING);
            default -> Optional.empty();
        };
    }

    public static Optional<JobStatus> fromWireName(String value) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(value)).findFirst();
    }

    public static JobStatus ofWireName(String value) {
        return fromWireName(value).orElseThrow(() -> new IllegalArgumentException("unknown job status: " + value));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
