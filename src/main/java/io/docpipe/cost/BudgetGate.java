package io.docpipe.cost;

import io.docpipe.job.JobVariables;
import io.docpipe.provider.ProviderAnswer;
import java.math.BigDecimal;
import java.util.UUID;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's budget as its routes see it: decide before a real call (a {@link BudgetDecision} the route chooses
 * on; a refused call becomes an over-budget {@link ProviderAnswer} carrying the {@link BudgetRefusal}), and settle
 * after it. What happens to the call's jobs when the budget (or the hour's request cap) cannot take it is the routes'
 * SQL steps: in {@code hybrid} mode the mock does the work (their events say so); in {@code real} mode the jobs are
 * rescheduled to the window when the limit starts afresh ({@code sql/jobs/reschedule.sql}), and the release sweep lets
 * them go on then, or fail when no day's budget can take the call.
 */
public class BudgetGate {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetGate.class);

    private final Budget budget;
    private final CostLedger ledger;

    public BudgetGate(Budget budget, CostLedger ledger) {
        this.budget = budget;
        this.ledger = ledger;
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
}
