package io.docpipe.job;

import java.util.UUID;

/**
 * The outcome of one compare-and-set transition.
 *
 * @param applied false when the job was not in {@code from} any more (a repeated or lost race): nothing changed
 */
public record Transition(UUID jobId, JobStatus from, JobStatus to, boolean applied) {

    @Override
    public String toString() {
        return "job " + jobId + " " + from + " -> " + to + (applied ? "" : " not applied: job was no longer " + from);
    }
}
