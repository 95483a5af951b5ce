package io.docpipe.parse;

import static io.docpipe.job.JobStatus.FAILED_PARSE;
import static io.docpipe.job.JobStatus.PARSED;
import static io.docpipe.job.JobStatus.PARSE_QUEUED;
import static io.docpipe.job.JobStatus.UPLOADED;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

import io.docpipe.db.SqlStatements;
import io.docpipe.document.DocumentRepository;
import io.docpipe.document.StoredDocument;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.parse.LlamaParseApi.ParseJobStatus;
import io.docpipe.parse.LlamaParseApi.ParseResult;
import io.docpipe.provider.ProviderRejection;
import io.docpipe.provider.ProviderRequest;
import io.docpipe.provider.ServiceFallback;
import io.docpipe.upload.DocumentStore;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The parse stage with LlamaParse: submit the document (the job waits in {@code parse_queued} for the webhook),
 * then, when the webhook or the overdue poll says so, check the job's status on LlamaParse and store its Markdown.
 * Payloads are never trusted: success is what LlamaParse's own API says.
 */
public class LlamaParseStage {

    private final JobStateMachine jobs;
    private final DocumentRepository documents;
    private final DocumentStore store;
    private final LlamaParseApi api;
    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Duration pendingRecheck;
    private final LlamaParseBudget budget;

    public LlamaParseStage(JobStateMachine jobs, DocumentRepository documents, DocumentStore store, LlamaParseApi api,
            NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, Duration pendingRecheck, LlamaParseBudget budget) {
        this.jobs = jobs;
        this.documents = documents;
        this.store = store;
        this.api = api;
        this.jdbc = jdbc;
        this.tx = tx;
        this.pendingRecheck = pendingRecheck;
        this.budget = budget;
    }

    public ProviderRequest submission(@Variable("job") ClaimedJob job) {
        StoredDocument document = documents.find(job.documentId()).orElseThrow();
        return api.upload(store.resolve(document.storagePath()).toFile(), document.filename(), document.mediaType(),
                job.correlationId());
    }

    /** Records the LlamaParse job and queues ours behind it, releasing the lease: the webhook takes over. */
    public void submitted(@Variable("job") ClaimedJob job, @Body String parseJobId) {
        tx.executeWithoutResult(status -> {
            jdbc.update(SqlStatements.load("jobs/record-parse-job.sql"),
                    new MapSqlParameterSource().addValue("job_id", job.id()).addValue("parse_job_id", parseJobId));
            if (!jobs.handOff(job.id(), UPLOADED, PARSE_QUEUED, "LlamaParse job " + parseJobId).applied()) {
                status.setRollbackOnly();
            }
        });
    }

    public ProviderRequest statusRequest(@Variable("job") ClaimedJob job) {
        return api.status(parseJobId(job));
    }

    /**
     * @return true when the result can be fetched; a failed LlamaParse job fails ours, a pending one is looked at
     *         again later
     */
    public boolean resultReady(@Variable("job") ClaimedJob job, @Body ParseJobStatus status) {
        if (status.succeeded()) {
            return true;
        }
        if (status.pending()) {
            jobs.postpone(job.id(), PARSE_QUEUED, Instant.now().plus(pendingRecheck),
                    "LlamaParse job still " + status.status(), false);
        } else {
            jobs.fail(job.id(), PARSE_QUEUED, FAILED_PARSE, "LlamaParse job ended " + status.status()
                    + (status.errorCode() == null ? "" : ": " + status.errorCode())
                    + (status.errorMessage() == null ? "" : " - " + LlamaParseApi.abbreviate(status.errorMessage())), null);
        }
        return false;
    }

    public ProviderRequest resultRequest(@Variable("job") ClaimedJob job) {
        return api.markdownResult(parseJobId(job));
    }

    /**
     * Stores the Markdown and what it cost (on the job, and in the cost ledger in place of the submission's
     * estimate), and hands the job to the chunk stage, in one transaction.
     */
    public void stored(@Variable("job") ClaimedJob job, @Body ParseResult result) {
        if (result.markdown().isBlank()) {
            jobs.fail(job.id(), PARSE_QUEUED, FAILED_PARSE, "LlamaParse found no text in the document", null);
            return;
        }
        BigDecimal cost = result.credits() == null ? BigDecimal.ZERO : budget.usdForCredits(result.credits());
        tx.executeWithoutResult(status -> {
            documents.storeParsedContent(job.documentId(), result.markdown(), "llamaparse", result.pages(), result.credits());
            jdbc.update(SqlStatements.load("jobs/add-cost.sql"), new MapSqlParameterSource()
                    .addValue("job_id", job.id()).addValue("cost_usd", cost).addValue("embedding_tokens", 0));
            budget.settleResult(job, result.credits() == null ? null : cost, result.pages());
            String detail = "parsed by LlamaParse: " + (result.pages() == null ? "?" : result.pages()) + " pages, "
                    + (result.credits() == null ? "?" : result.credits().stripTrailingZeros().toPlainString()) + " credits";
            if (!jobs.handOff(job.id(), PARSE_QUEUED, PARSED, detail).applied()) {
                status.setRollbackOnly(); // a duplicate delivery got here first
            }
        });
    }

    /**
     * Whether LlamaParse gave a usable answer. When it refused for good (bad key, no credits, file refused, unknown
     * job) the job fails here with its answer; when it was unavailable the fallback has already dealt with the job.
     */
    public boolean answered(@Variable("job") ClaimedJob job,
            @ExchangeProperty(ProviderRejection.PROPERTY) ProviderRejection rejection,
            @ExchangeProperty(ServiceFallback.SET_ASIDE) Boolean setAside) {
        if (Boolean.TRUE.equals(setAside)) {
            return false;
        }
        if (rejection != null) {
            jobs.fail(job.id(), job.status(), FAILED_PARSE, rejection.toString(), null);
            return false;
        }
        return true;
    }

    private String parseJobId(ClaimedJob job) {
        return jdbc.queryForObject(SqlStatements.load("jobs/find-parse-job-id.sql"),
                new MapSqlParameterSource("job_id", job.id()), String.class);
    }
}
