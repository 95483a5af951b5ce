package io.docpipe.provider;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.docpipe.db.SqlStatements;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.observe.CorrelationContext;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * What a route's circuit-breaker fallback does when a provider call failed or was not even tried (open circuit).
 * In {@code hybrid} mode a service that is down (circuit not closed) is replaced by the mock for this job; otherwise
 * the job waits in its queue state: until the circuit may close again, or, after a failed call, for an exponential
 * backoff with jitter that honours the provider's Retry-After.
 */
public class ServiceFallback {

    /** Set on the exchange when the fallback has postponed the job: the route must not go on with it. */
    public static final String SET_ASIDE = "docpipe.jobSetAside";

    /** The variable naming the jobs a multi-job call (an embeddings batch) is for; else variable {@code job}. */
    public static final String AFFECTED_JOBS = "affectedJobs";

    private final ProviderHttp http;
    private final ServiceMode mode;
    private final CircuitBreaker breaker;
    private final JobStateMachine jobs;
    private final NamedParameterJdbcTemplate jdbc;
    private final Backoff backoff;
    private final Duration openCircuitWait;

    public ServiceFallback(ProviderHttp http, ServiceMode mode, CircuitBreaker breaker, JobStateMachine jobs,
            NamedParameterJdbcTemplate jdbc, Backoff backoff, Duration openCircuitWait) {
        this.http = http;
        this.mode = mode;
        this.breaker = breaker;
        this.jobs = jobs;
        this.jdbc = jdbc;
        this.backoff = backoff;
        this.openCircuitWait = openCircuitWait;
    }

    /**
     * @return true when the mock should do this job's work now; otherwise the job has been postponed and the
     *         exchange is marked {@link #SET_ASIDE}
     */
    @SuppressWarnings("unchecked")
    public boolean useMock(Exchange exchange) {
        List<ClaimedJob> jobs = exchange.getVariable(AFFECTED_JOBS, List.class);
        if (jobs == null) {
            jobs = List.of(exchange.getVariable("job", ClaimedJob.class));
        }
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (decideMock(jobs, cause)) {
            return true;
        }
        exchange.setProperty(SET_ASIDE, true);
        return false;
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
                Integer attempts = jdbc.queryForObject(SqlStatements.load("jobs/find-attempts.sql"),
                        new MapSqlParameterSource("job_id", job.id()), Integer.class);
                Duration retryAfter = cause instanceof TransientProviderException t ? t.retryAfter() : null;
                Duration delay = backoff.delay((attempts == null ? 0 : attempts) + 1, retryAfter);
                jobs.postpone(job.id(), job.status(), Instant.now().plus(delay),
                        "retry in " + delay.toMillis() + " ms after " + describe(cause), true);
            }
        }
        return false;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause instanceof TransientProviderException ? message
                : cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
