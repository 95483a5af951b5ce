package io.docpipe.cost;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobVariables;
import io.docpipe.observe.CorrelationContext;
import io.docpipe.provider.ServiceFallback;
import io.docpipe.provider.ServiceMode;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's budget as its routes see it: reserve before a real call, settle after it, and decide what happens
 * to the call's jobs when the budget (or the hour's request cap) cannot take it. In {@code hybrid} mode the mock
 * does the work; in {@code real} mode the jobs are rescheduled to the window when the limit starts afresh, which
 * their events show, and the release sweep lets them go on then.
 */
public class BudgetGate {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetGate.class);

    /** Variable holding the {@link Reservation} of the call being made. */
    public static final String RESERVATION = "costReservation";
    /** Variable holding the {@link BudgetRefusal} when the budget refused the call. */
    public static final String REFUSAL = "budgetRefusal";

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
     * Reserves the call's expected cost: sets variable {@link #RESERVATION} when the call may be made, or
     * {@link #REFUSAL} when the budget refused it. (A bean step, not a {@code method()} predicate: Camel evaluates
     * predicates on a copy of the exchange, and the variables would be lost.)
     */
    protected void reserve(Exchange exchange, BigDecimal expectedUsd, UUID job) {
        exchange.removeVariable(REFUSAL);
        CostLedger.Outcome outcome = reserveCall(exchange, expectedUsd, job);
        if (outcome.refusal() != null) {
            exchange.setVariable(REFUSAL, outcome.refusal());
        }
    }

    /**
     * Reserves the call's expected cost and returns the outcome for the route to choose on: a reservation (kept in
     * variable {@link #RESERVATION} for the settle step) or the budget's refusal.
     */
    protected CostLedger.Outcome reserveCall(Exchange exchange, BigDecimal expectedUsd, UUID job) {
        exchange.removeVariable(RESERVATION);
        CostLedger.Outcome outcome = ledger.reserve(budget, expectedUsd, job);
        if (outcome.reservation() != null) {
            exchange.setVariable(RESERVATION, outcome.reservation());
            // a failure before the settle step (the call itself never throws: its outcome is an answer) gives the
            // reservation back at once rather than when it expires
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public boolean allowHandover() {
                    return false; // an embeddings batch's exchange is one of a split: settle when it is done
                }

                @Override
                public void onDone(Exchange done) {
                    Reservation unsettled = done.getVariable(RESERVATION, Reservation.class);
                    if (unsettled != null) {
                        done.removeVariable(RESERVATION);
                        ledger.settle(unsettled, BigDecimal.ZERO, 0, 0, job, false);
                    }
                }
            });
        } else {
            LOG.info("{}", outcome.refusal().reason());
        }
        return outcome;
    }

    /** Settles the call's reservation, once; {@code sent}: the request went out and counts as one. */
    protected void settle(Exchange exchange, BigDecimal actualUsd, long pages, long tokens, UUID job, boolean sent) {
        Reservation reservation = exchange.getVariable(RESERVATION, Reservation.class);
        if (reservation != null) {
            exchange.removeVariable(RESERVATION);
            ledger.settle(reservation, actualUsd, pages, tokens, job, sent);
        }
    }

    /**
     * The budget refused a call for the exchange's jobs (variable {@link JobVariables#JOBS_IN_CALL}, else
     * {@link JobVariables#JOB}); see {@link #refused(BudgetRefusal, List)}.
     */
    @SuppressWarnings("unchecked")
    public ServiceFallback.Next overBudget(Exchange exchange) {
        BudgetRefusal refusal = exchange.getVariable(REFUSAL, BudgetRefusal.class);
        List<ClaimedJob> affected = exchange.getVariable(JobVariables.JOBS_IN_CALL, List.class);
        if (affected == null) {
            ClaimedJob job = exchange.getVariable(JobVariables.JOB, ClaimedJob.class);
            affected = job == null ? List.of() : List.of(job);
        }
        return refused(refusal, affected);
    }

    /**
     * The budget refused a call for {@code affected}. In hybrid mode the mock does the work
     * ({@link ServiceFallback.Next#USE_MOCK}); otherwise the jobs are rescheduled to the budget's next window
     * ({@link ServiceFallback.Next#WAIT}), or fail when no day's budget can take the call.
     */
    protected ServiceFallback.Next refused(BudgetRefusal refusal, List<ClaimedJob> affected) {
        boolean hybrid = mode == ServiceMode.HYBRID;
        for (ClaimedJob job : affected) {
            CorrelationContext.enter(job);
            if (hybrid) {
                jobs.note(job.id(), refusal.reason() + "; the mock stands in");
            } else if (refusal.neverFits()) {
                // no day's budget can take it: waiting would be forever, so the job fails for good and says why
                jobs.fail(job, job.status(), job.status().failedState().orElseThrow(), refusal.reason(), null);
            } else {
                jobs.reschedule(job, job.status(), refusal.windowOpensAt(),
                        refusal.reason() + "; rescheduled to " + refusal.windowOpensAt());
            }
        }
        CorrelationContext.leave();
        return hybrid ? ServiceFallback.Next.USE_MOCK : ServiceFallback.Next.WAIT;
    }
}
