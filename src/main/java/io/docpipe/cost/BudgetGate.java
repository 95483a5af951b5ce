package io.docpipe.cost;

import io.docpipe.job.ClaimedJob;
import io.docpipe.job.CorrelationContext;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobVariables;
import io.docpipe.provider.ProviderAnswer;
import io.docpipe.provider.ServiceFallback;
import io.docpipe.provider.ServiceMode;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's budget as its routes see it: decide before a real call (a {@link BudgetDecision} the route chooses
 * on; a refused call becomes an over-budget {@link ProviderAnswer}), settle after it, and what happens to the call's
 * jobs when the budget (or the hour's request cap) cannot take it. In {@code hybrid} mode the mock does the work; in
 * {@code real} mode the jobs are rescheduled to the window when the limit starts afresh, which their events show,
 * and the release sweep lets them go on then.
 */
public class BudgetGate {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetGate.class);

    private final Budget budget;
    private final ServiceMode mode;
    private final CostLedger ledger;
    private final JobStateMachine jobs;

    public BudgetGate(Budget budget, ServiceMode mode, CostLedger ledger, JobStateMachine jobs) {
        this.budget = budget;
        this.mode = mode;
        this.ledger = ledger;
        this.jobs = jobs;
    }

    public Budget budget() {
        return budget;
    }

    protected CostLedger ledger() {
        return ledger;
    }

    /**
     * Reserves the call's expected cost and says whether the call may be made. A reservation is kept in variable
     * {@link JobVariables#RESERVATION} (data for the settle step); a failure of the exchange before that step gives it back at once
     * rather than when it expires.
     */
    protected BudgetDecision decide(Exchange exchange, BigDecimal expectedUsd, UUID job) {
        exchange.removeVariable(JobVariables.RESERVATION);
        CostLedger.Outcome outcome = ledger.reserve(budget, expectedUsd, job);
        if (outcome.reservation() == null) {
            LOG.info("{}", outcome.refusal().reason());
            return new BudgetDecision(null, outcome.refusal());
        }
        exchange.setVariable(JobVariables.RESERVATION, outcome.reservation());
        // the call itself never throws (its outcome is an answer): only a failure elsewhere leaves it unsettled
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public boolean allowHandover() {
                return false; // an embeddings batch's exchange is one of a split: settle when it is done
            }

            @Override
            public void onDone(Exchange done) {
                Reservation unsettled = done.getVariable(JobVariables.RESERVATION, Reservation.class);
                if (unsettled != null) {
                    done.removeVariable(JobVariables.RESERVATION);
                    ledger.settle(unsettled, BigDecimal.ZERO, 0, 0, job, false);
                }
            }
        });
        return new BudgetDecision(outcome.reservation(), null);
    }

    /**
     * Reserves the call's expected cost and returns the ledger's outcome for the route to choose on: a reservation
     * (kept in variable {@link JobVariables#RESERVATION} for the settle step) or the budget's refusal.
     */
    protected CostLedger.Outcome reserveCall(Exchange exchange, BigDecimal expectedUsd, UUID job) {
        BudgetDecision decision = decide(exchange, expectedUsd, job);
        return new CostLedger.Outcome(decision.reservation(), decision.refusal());
    }

    /**
     * The budget refused a call for {@code affected}. In hybrid mode the mock does the work
     * ({@link ServiceFallback.Next#USE_MOCK}); otherwise the jobs are rescheduled to the budget's next window
     * ({@link ServiceFallback.Next#WAIT}), or fail when no day's budget can take the call.
     */
    protected ServiceFallback.Next refused(BudgetRefusal refusal, List<ClaimedJob> affected) {
        if (mode == ServiceMode.HYBRID) {
            noteStandIn(refusal, affected);
            return ServiceFallback.Next.USE_MOCK;
        }
        waitForBudget(refusal, affected);
        return ServiceFallback.Next.WAIT;
    }

    /** A refused call as its answer: the call is not made, and the answer carries the refusal. */
    public ProviderAnswer refused(@Body BudgetDecision decision) {
        return ProviderAnswer.overBudget(decision.refusal().reason(), decision.refusal());
    }

    /** Settles the call's reservation, once; {@code sent}: the request went out and counts as one. */
    protected void settle(Exchange exchange, BigDecimal actualUsd, long pages, long tokens, UUID job, boolean sent) {
        Reservation reservation = exchange.getVariable(JobVariables.RESERVATION, Reservation.class);
        if (reservation != null) {
            exchange.removeVariable(JobVariables.RESERVATION);
            ledger.settle(reservation, actualUsd, pages, tokens, job, sent);
        }
    }

    /**
     * An over-budget answer in real mode: the jobs are rescheduled to when the spent limit starts afresh, which their
     * events show; a call no day's budget can take fails its jobs for good, saying why.
     */
    public void waitForBudget(@Body ProviderAnswer answer, Exchange exchange) {
        waitForBudget(answer.valueAs(BudgetRefusal.class), jobsOf(exchange));
    }

    /** An over-budget answer in hybrid mode: the jobs' events say the mock stands in (the route then uses it). */
    public void mockStandsIn(@Body ProviderAnswer answer, Exchange exchange) {
        noteStandIn(answer.valueAs(BudgetRefusal.class), jobsOf(exchange));
    }

    private void waitForBudget(BudgetRefusal refusal, List<ClaimedJob> affected) {
        for (ClaimedJob job : affected) {
            CorrelationContext.enter(job);
            if (refusal.neverFits()) {
                // no day's budget can take it: waiting would be forever, so the job fails for good and says why
                jobs.fail(job, job.status(), job.status().failedState().orElseThrow(), refusal.reason(), null);
            } else {
                jobs.reschedule(
                        job,
                        job.status(),
                        refusal.windowOpensAt(),
                        refusal.reason() + "; rescheduled to " + refusal.windowOpensAt());
            }
        }
        CorrelationContext.leave();
    }

    private void noteStandIn(BudgetRefusal refusal, List<ClaimedJob> affected) {
        for (ClaimedJob job : affected) {
            CorrelationContext.enter(job);
            jobs.note(job.id(), refusal.reason() + "; the mock stands in");
        }
        CorrelationContext.leave();
    }

    @SuppressWarnings("unchecked")
    private static List<ClaimedJob> jobsOf(Exchange exchange) {
        List<ClaimedJob> affected = exchange.getVariable(JobVariables.JOBS_IN_CALL, List.class);
        if (affected != null) {
            return affected;
        }
        ClaimedJob job = exchange.getVariable(JobVariables.JOB, ClaimedJob.class);
        return job == null ? List.of() : List.of(job);
    }
}
