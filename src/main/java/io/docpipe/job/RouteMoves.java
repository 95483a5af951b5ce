package io.docpipe.job;

import java.util.Set;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.component.sql.SqlConstants;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What {@link JobStateMachine} does after each move it makes, for the moves the routes make themselves as SQL steps
 * ({@code to: sql:classpath:sql/jobs/fail.sql}, {@code advance.sql}, {@code wait.sql}, {@code reschedule.sql}): a move that happened is
 * counted for the transition meters and logged (a failure at INFO, the rest at DEBUG, with the job's correlation
 * id), a move that changed nothing at DEBUG. It watches the exchanges sent to those statements, so a route's move
 * stays the one visible step it is.
 */
public class RouteMoves extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RouteMoves.class);
    /** The statements a route moves its job with. */
    private static final Set<String> MOVES =
            Set.of("sql/jobs/fail.sql", "sql/jobs/advance.sql", "sql/jobs/wait.sql", "sql/jobs/reschedule.sql");

    private final Consumer<JobStatus> onTransition;

    /** @param onTransition told of every applied move's target status (metrics), as {@link JobStateMachine} is */
    public RouteMoves(Consumer<JobStatus> onTransition) {
        this.onTransition = onTransition;
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    /** The sending event too: Camel announces a sent exchange only to whoever took the sending one. */
    @Override
    public boolean isEnabled(CamelEvent event) {
        return (event instanceof ExchangeSendingEvent sending
                        && isMove(sending.getEndpoint().getEndpointUri()))
                || (event instanceof ExchangeSentEvent sent
                        && isMove(sent.getEndpoint().getEndpointUri()));
    }

    @Override
    public void notify(CamelEvent event) {
        if (!(event instanceof ExchangeSentEvent sent) || sent.getExchange().getException() != null) {
            return;
        }
        Exchange exchange = sent.getExchange();
        ClaimedJob job = exchange.getVariable(JobVariables.JOB, ClaimedJob.class);
        String from = exchange.getVariable(JobVariables.FROM, String.class);
        JobStatus to = JobStatus.ofWireName(exchange.getVariable(JobVariables.TO, String.class));
        String detail = exchange.getVariable(JobVariables.DETAIL, String.class);
        boolean moved = Integer.valueOf(1)
                .equals(exchange.getMessage().getHeader(SqlConstants.SQL_UPDATE_COUNT, Integer.class));
        if (moved) {
            onTransition.accept(to);
        }
        // a stage that moves several jobs (an embeddings batch) has entered none of them: this job's, for the line
        String correlationId = MDC.get(CorrelationContext.CORRELATION_ID);
        String jobId = MDC.get(CorrelationContext.JOB_ID);
        CorrelationContext.enter(job);
        try {
            if (!moved) {
                LOG.debug("job {} {} -> {} not applied: job was no longer {}", job.id(), from, to, from);
            } else if (to.isFailed()) {
                LOG.info("job {} {} -> {}: {}", job.id(), from, to, detail);
            } else if (LOG.isDebugEnabled()) {
                LOG.debug("job {} {} -> {}{}", job.id(), from, to, detail == null ? "" : " (" + detail + ")");
            }
        } finally {
            restore(CorrelationContext.CORRELATION_ID, correlationId);
            restore(CorrelationContext.JOB_ID, jobId);
        }
    }

    private static boolean isMove(String uri) {
        return uri.startsWith("sql:") && MOVES.stream().anyMatch(uri::endsWith);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
