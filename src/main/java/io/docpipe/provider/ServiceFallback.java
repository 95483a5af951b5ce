package io.docpipe.provider;

import io.docpipe.db.SqlStatements;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.CorrelationContext;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobStatus;
import io.docpipe.job.JobVariables;
import io.docpipe.job.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * What happens to the jobs of a call that got no usable answer ({@link ProviderAnswer}).
 * <ul>
 * <li>Rate limited: the jobs wait in their queue state until the provider's pause is over; no attempt is spent (the
 * routes' SQL steps {@code sql/jobs/wait.sql}, until {@link ProviderAnswer#pauseEnd()}).</li>
 * <li>Unavailable, in {@code hybrid} mode with the service down (circuit not closed): the mock does the work, where
 * the stage allows it.</li>
 * <li>Unavailable otherwise: a job the open circuit kept from calling waits in its queue state until the circuit may
 * close again; a job whose call failed moves to its stage's failed state with the attempt counted and its next
 * attempt set by the {@link RetryPolicy} (exponential backoff with jitter, never sooner than the provider's
 * Retry-After), and the retry sweep sends it back to its queue then. A job whose LlamaParse parse is already running
 * (only reading its status or result failed) waits in {@code parse_queued} instead, so it is not submitted twice.</li>
 * </ul>
 * The jobs are variable {@link JobVariables#JOBS_IN_CALL}, else {@link JobVariables#JOB}.
 */
public class ServiceFallback {

    /** What a stage does after an unavailable provider. */
    public enum Next {
        /** The mock does the work (hybrid mode, service down). */
        USE_MOCK,
        /** The jobs wait or were failed for a retry: the stage does nothing more with them. */
        WAIT
    }

    private final ServiceMode mode;
    private final JobStateMachine jobs;
    private final NamedParameterJdbcTemplate jdbc;
    private final RetryPolicy retries;
    private final Duration openCircuitWait;
    private final Duration inDoubtWait;

    /** @param inDoubtWait the least a job waits after a paid request whose outcome is unknown */
    public ServiceFallback(
            ServiceMode mode,
            JobStateMachine jobs,
            NamedParameterJdbcTemplate jdbc,
            RetryPolicy retries,
            Duration openCircuitWait,
            Duration inDoubtWait) {
        this.mode = mode;
        this.jobs = jobs;
        this.jdbc = jdbc;
        this.retries = retries;
        this.openCircuitWait = openCircuitWait;
        this.inDoubtWait = inDoubtWait;
    }

    /** An unavailable answer where the mock may stand in: {@link Next#USE_MOCK} in hybrid mode while the service is down. */
    public Next unavailable(@Body ProviderAnswer answer, Exchange exchange) {
        if (mode == ServiceMode.HYBRID && answer.down()) {
            return Next.USE_MOCK;
        }
        waitForService(answer, exchange);
        return Next.WAIT;
    }

    /** An unavailable answer where the mock must not stand in (a paid parse exists): the jobs wait for the service. */
    public void waitForService(@Body ProviderAnswer answer, Exchange exchange) {
        for (ClaimedJob job : jobsOf(exchange)) {
            CorrelationContext.enter(job);
            if (!answer.sent()) {
                jobs.postpone(
                        job, job.status(), Instant.now().plus(openCircuitWait), answer.failure() + "; waiting", false);
            } else {
                retryLater(job, answer);
            }
        }
        CorrelationContext.leave();
    }

    /**
     * A paid request whose outcome is unknown ({@link ProviderAnswer#outcomeUnknown()}): the provider may have done it.
     * Each job spends an attempt and waits in its queue state at least the in-doubt window (for LlamaParse: the time
     * its webhook needs to arrive and adopt the job it may have created) before the request is made again.
     */
    public void inDoubt(@Body ProviderAnswer answer, Exchange exchange) {
        Duration wait = answer.retryAfter() != null && answer.retryAfter().compareTo(inDoubtWait) > 0
                ? answer.retryAfter()
                : inDoubtWait;
        for (ClaimedJob job : jobsOf(exchange)) {
            CorrelationContext.enter(job);
            int attempt = attemptsOf(job) + 1;
            Optional<RetryPolicy.NextAttempt> next = retries.nextAttempt(attempt, wait);
            String failure = answer.failure() + "; the provider may have taken the request, so its cost stays booked";
            if (next.isEmpty()) {
                jobs.fail(
                        job,
                        job.status(),
                        job.status().failedState().orElseThrow(),
                        "gave up after " + attempt + " attempts: " + failure,
                        null);
            } else {
                jobs.postpone(
                        job,
                        job.status(),
                        next.get().at(),
                        "attempt " + attempt + " of " + retries.maxAttempts() + " in doubt: " + failure
                                + "; asking again at " + next.get().at() + " unless its result comes first",
                        true);
            }
        }
        CorrelationContext.leave();
    }

    @SuppressWarnings("unchecked")
    private static List<ClaimedJob> jobsOf(Exchange exchange) {
        List<ClaimedJob> affected = exchange.getVariable(JobVariables.JOBS_IN_CALL, List.class);
        return affected != null ? affected : List.of(exchange.getVariable(JobVariables.JOB, ClaimedJob.class));
    }

    private int attemptsOf(ClaimedJob job) {
        Integer attempts = jdbc.queryForObject(
                SqlStatements.load("jobs/find-attempts.sql"),
                new MapSqlParameterSource("job_id", job.id()),
                Integer.class);
        return attempts == null ? 0 : attempts;
    }

    private void retryLater(ClaimedJob job, ProviderAnswer answer) {
        int attempt = attemptsOf(job) + 1;
        Optional<RetryPolicy.NextAttempt> next = retries.nextAttempt(attempt, answer.retryAfter());
        JobStatus failed = job.status().failedState().orElseThrow();
        if (next.isEmpty()) {
            jobs.fail(job, job.status(), failed, "gave up after " + attempt + " attempts: " + answer.failure(), null);
            return;
        }
        String detail = "attempt " + attempt + " of " + retries.maxAttempts() + " failed: " + answer.failure()
                + "; retry in " + next.get().delay().toMillis() + " ms";
        if (job.status() == JobStatus.PARSE_QUEUED) {
            jobs.postpone(job, job.status(), next.get().at(), detail, true);
        } else {
            jobs.fail(job, job.status(), failed, detail, next.get().at());
        }
    }
}
