package io.docpipe.job;

/**
 * Names of the exchange variables the stages' routes and beans share. The YAML routes (routes/*.yaml) set them by
 * these names; they carry data only: routes choose on the outcomes beans return, never on these.
 */
public final class JobVariables {

    /** The {@link ClaimedJob} a route works on. */
    public static final String JOB = "job";
    /** The jobs one embed claim started on (a list of {@link ClaimedJob}). */
    public static final String JOBS = "jobs";
    /** The jobs waiting on a call that serves several (an embeddings batch); else the call is for {@link #JOB}. */
    public static final String JOBS_IN_CALL = "jobsInCall";
    /** The embeddings batch being sent. */
    public static final String BATCH = "batch";

    private JobVariables() {
    }
}
