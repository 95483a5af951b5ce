package io.docpipe.provider;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.docpipe.db.SqlStatements;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobStatus;
import io.docpipe.job.RetryPolicy;
import io.docpipe.observe.CorrelationContext;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * What a route's circuit-breaker fallback does when a provider call failed or was not even tried (open circuit).
 * In {@code hybrid} mode a service that is down (circuit not closed) is replaced by the mock for this job. Otherwise
 * a job the open circuit kept from calling waits in its queue state until the circuit may close again, and a job
 * whose call failed moves to its stage's failed state with the attempt counted and its next attempt set by the
 * {@link RetryPolicy} (exponential backoff with jitter, honouring the provider's Retry-After); the retry sweep sends
 * it back to its queue then. A job whose LlamaParse parse is already running (only reading its status failed) waits
 * in {@code parse_queued} instead, so the document is not submitted twice.
 */
public class ServiceFallback {

    /** Set on the exchange when the fallback has postponed the job: the route must not go on with it. */
    public static final String SET_ASIDE = "docpipe.jobSetAside";

    /**
     * Set on the exchange (true or false) by {@link #decide}: whether the mock does the work now. Decisions are
     * bean steps that write exchange properties, not {@code method()} predicates: Camel evaluates those on a copy
     * of the exchange, so whatever they set would be lost.
     */
    public static final String USE_MOCK = "docpipe.useMock";

    /** The variable naming the jobs a multi-job call (an embeddings batch) is for; else variable {@code job}. */
    public static final String AFFECTED_JOBS = "affectedJobs";

    private final ProviderHttp http;
    private final ServiceMode mode;
    private final CircuitBreaker breaker;
    private final JobStateMachine jobs;
    private final NamedParameterJdbcTemplate jdbc;
    private final RetryPolicy retries;
    private final Duration openCircuitWait;

    public ServiceFallback(ProviderHttp http, ServiceMode mode, CircuitBreaker breaker, JobStateMachine jobs,
            NamedParameterJdbcTemplate jdbc, RetryPolicy retries, Duration openCircuitWait) {
        this.http = http;
        this.mode = mode;
        this.breaker = breaker;
        this.jobs = jobs;
        this.jdbc = jdbc;
        this.retries = retries;
        this.openCircuitWait = openCircuitWait;
    }

    /**
     * Sets {@link #USE_MOCK}: true when the mock should do this job's work now; otherwise the job has been postponed
     * or failed, and the exchange is marked {@link #SET_ASIDE}.
     */
    @SuppressWarnings("unchecked")
    public void decide(Exchange exchange) {
        List<ClaimedJob> jobs = exchange.getVariable(AFFECTED_JOBS, List.class);
        if (jobs == null) {
            jobs = List.of(exchange.getVariable("job", ClaimedJob.class));
        }
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        boolean useMock = decideMock(jobs, cause);
        exchange.setProperty(USE_MOCK, useMock);
        if (!useMock) {
            exchange.setProperty(SET_ASIDE, true);
        }
    }

    /** @param affected the jobs waiting on the failed call (a batch may carry several) */
    private boolean decideMock(List<ClaimedJob> affected, Throwable cause) {
        // no exception at all: the circuit did not let the call through
        boolean shortCircuited = cause == null || cause instanceof CallNotPermittedException;
        if (!shortCircuited && !(cause instanceof TransientProviderException)) {
            http.failedWithoutAnswer(cause); // answered errors were counted when they were classified
        }
        boolean down = shortCircuited || breaker.getState() != CircuitBreaker.State.CLOSED;
        if (mode == ServiceMode.HYBRID && down) {
            return true;
        }
        for (ClaimedJob job : affected) {
            CorrelationContext.enter(job);
            if (down) {
                jobs.postpone(job.id(), job.status(), Instant.now().plus(openCircuitWait),
                        http.service() + " is unavailable (circuit " + breaker.getState() + "); waiting", false);
            } else {
                retryLater(job, cause);
            }
        }
        CorrelationContext.leave();
        return false;
    }

    private void retryLater(ClaimedJob job, Throwable cause) {
        Integer attempts = jdbc.queryForObject(SqlStatements.load("jobs/find-attempts.sql"),
                new MapSqlParameterSource("job_id", job.id()), Integer.class);
        int attempt = (attempts == null ? 0 : attempts) + 1;
        Duration retryAfter = cause instanceof TransientProviderException t ? t.retryAfter() : null;
        Optional<RetryPolicy.NextAttempt> next = retries.nextAttempt(attempt, retryAfter);
        String failure = describe(cause);
        JobStatus failed = job.status().failedState().orElseThrow();
        if (next.isEmpty()) {
            jobs.fail(job.id(), job.status(), failed, "gave up after " + attempt + " attempts: " + failure, null);
            return;
        }
        String detail = "attempt " + attempt + " of " + retries.maxAttempts() + " failed: " + failure + "; retry in "
                + next.get().delay().toMillis() + " ms";
        if (job.status() == JobStatus.PARSE_QUEUED) {
            jobs.postpone(job.id(), job.status(), next.get().at(), detail, true);
        } else {
            jobs.fail(job.id(), job.status(), failed, detail, next.get().at());
        }
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause instanceof TransientProviderException ? message
                : cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
