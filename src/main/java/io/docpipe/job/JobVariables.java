package io.docpipe.job;

/**
 * Names of the exchange variables the stages' routes and beans share: data handed from one step to the next, never
 * a flag that steers a route (routes choose on the outcome a step returns as the body). YAML routes write the same
 * names ({@code variable: job}, {@code ${variable.job}}).
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
    /** The job's document as a local file (a {@code DocumentStorage.LocalCopy}) for a parse's estimate and upload. */
    public static final String DOCUMENT = "document";
    /** A provider request built before its budget is reserved, sent once the reservation is made. */
    public static final String REQUEST = "request";

    private JobVariables() {}
}
