package io.docpipe.job;

/** A transition the state machine does not allow, whatever the job's current state. */
public class IllegalTransitionException extends RuntimeException {

    public IllegalTransitionException(JobStatus from, JobStatus to) {
        super("transition " + from + " -> " + to + " is not allowed");
    }
}
