package io.docpipe.job;

/**
 * Names of the exchange variables (and the few exchange properties) the routes and beans share: data handed from one
 * step to the next, never a flag that steers a route (routes choose on the outcome a step returns as the body). YAML
 * routes write the same names ({@code variable: job}, {@code ${variable.job}}, {@code name: from}).
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
    /** The provider's answer to a call for several jobs, while each of them is moved by it. */
    public static final String ANSWER = "answer";
    /** The {@code cost.Reservation} of the call being made, for the step that settles it. */
    public static final String RESERVATION = "costReservation";

    // A route's move of its job, the SQL steps sql/jobs/fail.sql, advance.sql, wait.sql and reschedule.sql (and the
    // event add-event.sql): set by the setVariables right before the step (RouteMovesTest checks that).

    /** The state the job must be in for the move (a status's wire name). */
    public static final String FROM = "from";
    /** The state the move takes the job to (a status's wire name). */
    public static final String TO = "to";
    /** The move's event text; for a failure also the job's last error. */
    public static final String DETAIL = "detail";
    /** Until when the job waits ({@code wait.sql}) or is parked ({@code reschedule.sql}): an offset date-time. */
    public static final String UNTIL = "until";

    /** Cost: the id of the budget alert being posted (route deliver-budget-alerts). */
    public static final String ALERT_ID = "alertId";

    // A provider call (provider.ProviderHttp, route template provider-call).

    /** Variable: the longest this exchange's request waits for its turn (a {@code Duration}); a search waits less. */
    public static final String MAX_PACING_WAIT = "maxPacingWait";
    /** Exchange property: the {@code ProviderRequest} being sent, read back when its answer comes. */
    public static final String PROVIDER_REQUEST = "docpipe.providerRequest";
    /** Exchange property: when the provider call was sent ({@code System.nanoTime()}), for its latency. */
    public static final String PROVIDER_CALL_STARTED = "docpipe.providerCallStarted";

    private JobVariables() {}
}
