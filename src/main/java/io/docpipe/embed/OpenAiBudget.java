package io.docpipe.embed;

import io.docpipe.cost.Budget;
import io.docpipe.cost.BudgetDecision;
import io.docpipe.cost.BudgetGate;
import io.docpipe.cost.CostLedger;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobVariables;
import io.docpipe.provider.ProviderAnswer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.UUID;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;

/**
 * OpenAI's budget: an embeddings request is expected to cost its counted input tokens × USD per 1M tokens, and is
 * settled with the tokens OpenAI reports in {@code usage}.
 */
public class OpenAiBudget extends BudgetGate {

    public static final String SERVICE = "openai";

    private final BigDecimal usdPerMillionTokens;

    public OpenAiBudget(Budget budget, CostLedger ledger, BigDecimal usdPerMillionTokens) {
        super(budget, ledger);
        this.usdPerMillionTokens = usdPerMillionTokens;
    }

    /** The budget's decision on the request for the batch in variable {@link JobVariables#BATCH} (see {@link BudgetGate#decide}). */
    public BudgetDecision decideBatch(@Variable(JobVariables.BATCH) PendingBatch batch, Exchange exchange) {
        return decide(exchange, usd(batch.tokenCount()), firstJob(batch));
    }

    /**
     * Settles with OpenAI's reported usage (the body, the answer, stays); a request without vectors costs nothing, unless its outcome is unknown
     * (OpenAI may have billed it): then its estimate stays booked.
     */
    public void settleBatch(@Body ProviderAnswer answer, Exchange exchange) {
        PendingBatch batch = exchange.getVariable(JobVariables.BATCH, PendingBatch.class);
        if (answer.is(ProviderAnswer.Kind.ANSWERED)) {
            EmbeddedBatch embedded = answer.valueAs(EmbeddedBatch.class);
            settle(exchange, usd(embedded.usageTokens()), 0, embedded.usageTokens(), firstJob(batch), true);
        } else if (answer.outcomeUnknown()) {
            settle(exchange, usd(batch.tokenCount()), 0, batch.tokenCount(), firstJob(batch), true);
        } else {
            settle(exchange, BigDecimal.ZERO, 0, 0, firstJob(batch), answer.sent());
        }
    }

    /** At most {@code tokens}, and no more than a whole day's budget pays for (a request must fit into one day). */
    public int tokensWithin(int tokens) {
        if (budget().dailyUsd() == null || usdPerMillionTokens.signum() == 0) {
            return tokens;
        }
        BigDecimal affordable = budget().dailyUsd()
                .multiply(BigDecimal.valueOf(1_000_000))
                .divide(usdPerMillionTokens, 0, RoundingMode.FLOOR);
        return affordable.compareTo(BigDecimal.valueOf(tokens)) >= 0 ? tokens : affordable.intValue();
    }

    public BigDecimal usd(long tokens) {
        return usdPerMillionTokens
                .multiply(BigDecimal.valueOf(tokens))
                .divide(BigDecimal.valueOf(1_000_000), 10, RoundingMode.HALF_UP);
    }

    private static UUID firstJob(PendingBatch batch) {
        return batch.jobs().stream().findFirst().map(ClaimedJob::id).orElse(null);
    }
}
