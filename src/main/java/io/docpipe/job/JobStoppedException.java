package io.docpipe.job;

/**
 * Ends the work on a job mid-route because its state has been settled elsewhere: it was postponed (provider
 * unavailable), failed (provider refused), or another worker took it over. Stage routes handle it quietly.
 */
public class JobStoppedException extends RuntimeException {

    public JobStoppedException(String reason) {
        super(reason, null, false, false);
    }
}
