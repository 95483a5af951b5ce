package io.docpipe.parse;

import static io.docpipe.job.JobStatus.PARSE_QUEUED;
import static io.docpipe.job.JobStatus.UPLOADED;

import io.docpipe.db.SqlStatements;
import io.docpipe.document.DocumentRepository;
import io.docpipe.document.ParsedText;
import io.docpipe.document.ParsedTextPages;
import io.docpipe.document.StoredDocument;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobVariables;
import io.docpipe.parse.FetchOutcome.Kind;
import io.docpipe.provider.ProviderAnswer;
import io.docpipe.provider.ProviderRequest;
import io.docpipe.storage.DocumentStorage;
import io.docpipe.storage.DocumentStorage.LocalCopy;
import io.docpipe.storage.StorageOutage;
import io.docpipe.storage.StorageUnavailableException;
import io.docpipe.storage.StoredFileMissingException;
import java.math.BigDecimal;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The parse stage with LlamaParse: submit the document (the job then waits in {@code parse_queued} for the webhook),
 * and, once a webhook or the overdue poll marks its result ready, read the job's status on LlamaParse and store its
 * Markdown. Payloads are never trusted: success is what LlamaParse's own API says. The same for both API generations
 * ({@link LlamaParseApi}): v2 answers the result with the status, v1 in a second read. Routes parse-with-llamaparse,
 * submit-to-llamaparse and fetch-parse-result (routes/parse.yaml) call these steps: each either computes an outcome
 * they choose on, or makes one move of the job.
 */
public class LlamaParseStage {

    private static final Logger LOG = LoggerFactory.getLogger(LlamaParseStage.class);

    private final JobStateMachine jobs;
    private final DocumentRepository documents;
    private final DocumentStorage storage;
    private final StorageOutage outage;
    private final LlamaParseApi api;
    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final LlamaParseBudget budget;
    private final ParsedTextPages textPages;

    public LlamaParseStage(
            JobStateMachine jobs,
            DocumentRepository documents,
            DocumentStorage storage,
            StorageOutage outage,
            LlamaParseApi api,
            NamedParameterJdbcTemplate jdbc,
            TransactionTemplate tx,
            LlamaParseBudget budget,
            ParsedTextPages textPages) {
        this.jobs = jobs;
        this.documents = documents;
        this.storage = storage;
        this.outage = outage;
        this.api = api;
        this.jdbc = jdbc;
        this.tx = tx;
        this.budget = budget;
        this.textPages = textPages;
    }

    /**
     * Reads the job's document from the store into a local file (a bucket's object streamed to a temporary file, a
     * local store's file as it is), removed when the exchange ends; the page estimate and the upload read it. Read
     * before anything is paid for: a store that cannot be reached fails the job ({@link #documentUnreadable})
     * instead of a paid upload halfway. Moves nothing.
     */
    public DocumentCopy readDocument(@Variable(JobVariables.JOB) ClaimedJob job, Exchange exchange) {
        StoredDocument document = documents.find(job.documentId()).orElseThrow();
        LocalCopy copy;
        try {
            copy = storage.copy(document.storagePath());
        } catch (StorageUnavailableException | StoredFileMissingException e) {
            return new DocumentCopy(null, e);
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                copy.close();
            }
        });
        return new DocumentCopy(copy, null);
    }

    /**
     * The document cannot be read: the job fails ({@code failed_parse}), while the store cannot be reached without
     * spending an attempt and retried when it is back ({@link StorageOutage}).
     */
    public void documentUnreadable(@Variable(JobVariables.JOB) ClaimedJob job, @Body DocumentCopy read) {
        outage.failed(job, job.status(), read.failure());
    }

    /** The multipart upload of the document, streamed from its local copy (variable {@link JobVariables#DOCUMENT}). */
    public ProviderRequest submission(
            @Variable(JobVariables.JOB) ClaimedJob job, @Variable(JobVariables.DOCUMENT) LocalCopy copy) {
        StoredDocument document = documents.find(job.documentId()).orElseThrow();
        return api.upload(copy.path().toFile(), document.filename(), document.mediaType(), job.correlationId());
    }

    /**
     * Records the LlamaParse job and queues ours behind it, releasing the lease: the webhook takes over. A job
     * already in {@code parse_queued} without a LlamaParse job (a mock parse that died, a change of mode) stays there.
     * Only while this worker still holds the job: one whose lease was taken over records nothing.
     */
    public void submitted(@Variable(JobVariables.JOB) ClaimedJob job, @Body ProviderAnswer answer) {
        String parseJobId = answer.valueAs(String.class);
        String detail = "LlamaParse job " + parseJobId;
        Boolean recorded = tx.execute(status -> {
            int rows = jdbc.update(
                    SqlStatements.load("jobs/record-parse-job.sql"),
                    new MapSqlParameterSource()
                            .addValue("job_id", job.id())
                            .addValue("parse_job_id", parseJobId)
                            .addValue("lease_token", job.leaseToken()));
            boolean moved = rows == 1
                    && (job.status() == UPLOADED
                                    ? jobs.handOff(job, UPLOADED, PARSE_QUEUED, detail)
                                    : jobs.release(job, PARSE_QUEUED, detail))
                            .applied();
            if (!moved) {
                status.setRollbackOnly();
            }
            return moved;
        });
        if (!Boolean.TRUE.equals(recorded)) {
            LOG.warn(
                    "job {} was taken over while LlamaParse job {} was created for it; its webhook finds the job by its"
                            + " correlation id",
                    job.id(),
                    parseJobId);
        }
    }

    public ProviderRequest statusRequest(@Variable(JobVariables.JOB) ClaimedJob job) {
        return api.status(parseJobId(job));
    }

    /** What the parse job's status means: fetch the Markdown, look again later, or fail. */
    public FetchOutcome readStatus(@Body ProviderAnswer answer) {
        if (!answer.is(ProviderAnswer.Kind.ANSWERED)) {
            return FetchOutcome.unanswered(answer);
        }
        ParseJobStatus status = answer.valueAs(ParseJobStatus.class);
        if (status.succeeded()) {
            return status.result() == null ? FetchOutcome.of(Kind.FINISHED, null) : parsed(status.result());
        }
        if (status.pending()) {
            return FetchOutcome.of(Kind.RUNNING, "LlamaParse job still " + status.status());
        }
        return FetchOutcome.ended("LlamaParse job ended " + status.status()
                + (status.errorCode() == null ? "" : ": " + status.errorCode())
                + (status.errorMessage() == null ? "" : " - " + LlamaParseApi.abbreviate(status.errorMessage())));
    }

    /** The Markdown of a job that succeeded, or, when no page of it has text, why there is none. */
    private static FetchOutcome parsed(ParseResult result) {
        if (result.markdown().isBlank()) {
            String failed = result.failedPagesDetail();
            return FetchOutcome.ended(
                    "LlamaParse found no text in the document" + (failed.isEmpty() ? "" : ": " + failed));
        }
        return new FetchOutcome(Kind.PARSED, result, null, null, false);
    }

    public ProviderRequest resultRequest(@Variable(JobVariables.JOB) ClaimedJob job) {
        return api.markdownResult(parseJobId(job));
    }

    /** The Markdown, or why there is none. */
    public FetchOutcome readResult(@Body ProviderAnswer answer) {
        if (!answer.is(ProviderAnswer.Kind.ANSWERED)) {
            return FetchOutcome.unanswered(answer);
        }
        return parsed(answer.valueAs(ParseResult.class));
    }

    /**
     * Stores the Markdown and what it cost (on the job, and in the cost ledger in place of the submission's
     * estimate), and hands the job to the chunk stage, in one transaction; the Markdown in pages of bounded size
     * ({@link ParsedTextPages}). Pages LlamaParse could not parse are left
     * out of the Markdown; their numbers are kept on the job and said in its event.
     */
    public void storeResult(@Variable(JobVariables.JOB) ClaimedJob job, @Body FetchOutcome outcome) {
        ParseResult result = outcome.result();
        BigDecimal cost = result.credits() == null ? BigDecimal.ZERO : budget.usdForCredits(result.credits());
        String detail = "parsed by LlamaParse: " + (result.pages() == null ? "?" : result.pages()) + " pages, "
                + (result.credits() == null
                        ? "?"
                        : result.credits().stripTrailingZeros().toPlainString()) + " credits"
                + (result.failedPages().isEmpty() ? "" : "; " + result.failedPagesDetail() + ", stored without them");
        ParsedText text = ParsedText.of(result.markdown());
        tx.executeWithoutResult(status -> {
            int pageCount = textPages.storeLaterPages(job, text);
            if (!jobs.storeParsed(
                    job,
                    text.firstPage(),
                    pageCount,
                    "llamaparse",
                    result.pages(),
                    result.credits(),
                    result.failedPages(),
                    detail)) {
                status.setRollbackOnly(); // another worker got here first, or took the job over: its pages go too
                return;
            }
            jdbc.update(
                    SqlStatements.load("jobs/add-cost.sql"),
                    new MapSqlParameterSource()
                            .addValue("job_id", job.id())
                            .addValue("cost_usd", cost)
                            .addValue("embedding_tokens", 0));
            budget.settleResult(job, result.credits() == null ? null : cost, result.pages());
        });
    }

    private String parseJobId(ClaimedJob job) {
        return jdbc.queryForObject(
                SqlStatements.load("jobs/find-parse-job-id.sql"),
                new MapSqlParameterSource("job_id", job.id()),
                String.class);
    }
}
