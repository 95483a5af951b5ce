package io.docpipe.job;

import org.slf4j.MDC;

/**
 * Puts a job's correlation id and job id into the logging MDC, so every log line about the job carries them;
 * camel-main's MDC logging ({@code camel.main.mdc-logging-keys-pattern}) carries them across threads. They are set
 * when an exchange starts working on a job or request and left when it ends, on every thread: a pooled thread that
 * moves on must not lend the next request its last job's id. Stages that work on several jobs enter each in turn.
 */
public final class CorrelationContext {

    public static final String CORRELATION_ID = "correlation_id";
    public static final String JOB_ID = "job_id";

    private CorrelationContext() {}

    public static void enter(ClaimedJob job) {
        MDC.put(CORRELATION_ID, job.correlationId());
        MDC.put(JOB_ID, job.id().toString());
    }

    public static void leave() {
        MDC.remove(CORRELATION_ID);
        MDC.remove(JOB_ID);
    }
}
