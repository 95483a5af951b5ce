package io.docpipe.storage;

import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What happens to a job whose document cannot be read: while the store cannot be reached, the job fails transiently
 * (its stage's failed state, {@code last_error} saying why, a next attempt after {@code docpipe.storage.retry-seconds})
 * without spending an attempt, and the retry sweep sends it back until the store is back; when the store answers that
 * the bytes are not there, it fails for good (a person has to restore them and retry it).
 */
public class StorageOutage {

    private final JobStateMachine jobs;
    private final Duration retry;
    private final Clock clock;

    public StorageOutage(JobStateMachine jobs, Duration retry, Clock clock) {
        this.jobs = jobs;
        this.retry = retry;
        this.clock = clock;
    }

    /** The job's document could not be read ({@link StorageUnavailableException} or {@link StoredFileMissingException}). */
    public void failed(ClaimedJob job, JobStatus from, RuntimeException failure) {
        JobStatus failedState = from.failedState().orElseThrow();
        if (failure instanceof StorageUnavailableException) {
            Instant next = clock.instant().plus(retry);
            jobs.failWithoutAttempt(
                    job,
                    from,
                    failedState,
                    "the document store cannot be reached: " + failure.getMessage() + "; reading the document again at "
                            + next + " (no attempt spent)",
                    next);
        } else {
            jobs.fail(job, from, failedState, failure.getMessage(), null);
        }
    }
}
