package io.docpipe.observe;

import java.util.Map;

import io.docpipe.job.ClaimedJob;
import org.slf4j.MDC;

/**
 * Puts a job's correlation id and job id into the logging MDC, so every log line about the job carries them;
 * camel-main's MDC logging ({@code camel.main.mdc-logging-keys-pattern}) carries them across threads and clears
 * them when the exchange is done. Stages that work on several jobs at once enter each job in turn.
 */
public class CorrelationContext {

    public static final String CORRELATION_ID = "correlation_id";
    public static final String JOB_ID = "job_id";

    /** Turns a claim query's row into the job it leased and enters its correlation context. */
    public ClaimedJob enter(Map<String, Object> claimedRow) {
        ClaimedJob job = ClaimedJob.fromRow(claimedRow);
        enter(job);
        return job;
    }

    public static void enter(ClaimedJob job) {
        MDC.put(CORRELATION_ID, job.correlationId());
        MDC.put(JOB_ID, job.id().toString());
    }

    public static void leave() {
        MDC.remove(CORRELATION_ID);
        MDC.remove(JOB_ID);
    }
}
