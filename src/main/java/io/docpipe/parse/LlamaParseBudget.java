package io.docpipe.parse;

import io.docpipe.cost.Budget;
import io.docpipe.cost.BudgetGate;
import io.docpipe.cost.CostLedger;
import io.docpipe.cost.Reservation;
import io.docpipe.document.DocumentRepository;
import io.docpipe.document.StoredDocument;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobVariables;
import io.docpipe.provider.ProviderAnswer;
import io.docpipe.storage.DocumentStorage.LocalCopy;
import java.math.BigDecimal;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;

/**
 * LlamaParse's budget: a submission is expected to cost pages × credits per page × USD per credit. LlamaParse bills
 * when the parse finishes, so an accepted submission commits its estimate at once; the result's reported credits
 * correct it ({@link CostLedger#correctParseEstimate}). A submission that was refused or failed costs nothing.
 */
public class LlamaParseBudget extends BudgetGate {

    public static final String SERVICE = "llamaparse";

    private final DocumentRepository documents;
    private final TextExtractor extractor;
    private final BigDecimal creditsPerPage;
    private final BigDecimal usdPerCredit;
    private final int charsPerPage;

    public LlamaParseBudget(
            Budget budget,
            CostLedger ledger,
            DocumentRepository documents,
            TextExtractor extractor,
            BigDecimal creditsPerPage,
            BigDecimal usdPerCredit,
            int charsPerPage) {
        super(budget, ledger);
        this.documents = documents;
        this.extractor = extractor;
        this.creditsPerPage = creditsPerPage;
        this.usdPerCredit = usdPerCredit;
        this.charsPerPage = charsPerPage;
    }

    /**
     * Reserves the submission of the job's document, estimated from its local copy: the outcome, a reservation or
     * the budget's refusal, is what route submit-to-llamaparse chooses on (see {@link BudgetGate#reserveCall}).
     */
    public CostLedger.Outcome reserveSubmission(
            @Variable(JobVariables.JOB) ClaimedJob job,
            @Variable(JobVariables.DOCUMENT) LocalCopy copy,
            Exchange exchange) {
        StoredDocument document = documents.find(job.documentId()).orElseThrow();
        int pages = extractor.estimatePages(copy.path(), document.mediaType(), charsPerPage);
        return reserveCall(exchange, expectedUsd(pages), job.id());
    }

    public BigDecimal expectedUsd(int pages) {
        return usdForCredits(creditsPerPage.multiply(BigDecimal.valueOf(pages)));
    }

    /** What LlamaParse charges for credits: the one price both the estimate and a job's cost use. */
    public BigDecimal usdForCredits(BigDecimal credits) {
        return credits.multiply(usdPerCredit);
    }

    /**
     * After the submission: LlamaParse took the job, or may have (its outcome is unknown): the estimate is committed;
     * it did not: the reservation is released.
     */
    public void settleSubmission(
            @Body ProviderAnswer answer, @Variable(JobVariables.JOB) ClaimedJob job, Exchange exchange) {
        Reservation reservation = exchange.getVariable(JobVariables.RESERVATION, Reservation.class);
        if (reservation == null) {
            return;
        }
        if (answer.is(ProviderAnswer.Kind.ANSWERED) || answer.outcomeUnknown()) {
            exchange.removeVariable(JobVariables.RESERVATION);
            ledger().commitParseEstimate(job.id(), reservation);
        } else {
            settle(exchange, BigDecimal.ZERO, 0, 0, job.id(), answer.sent());
        }
    }

    /**
     * The parse finished: its actual cost replaces the estimate (call inside the transaction storing the result).
     *
     * @param actualUsd null when LlamaParse did not report its credits: the estimate stands
     */
    public void settleResult(ClaimedJob job, BigDecimal actualUsd, Integer pages) {
        if (actualUsd != null) {
            ledger().correctParseEstimate(SERVICE, job.id(), actualUsd, pages == null ? 0 : pages);
        }
    }
}
