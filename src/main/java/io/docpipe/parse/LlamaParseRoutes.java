package io.docpipe.parse;

import static io.docpipe.job.JobVariables.JOB;

import io.docpipe.cost.BudgetGate;
import io.docpipe.parse.FetchOutcome.Kind;
import io.docpipe.provider.ProviderAnswer;
import io.docpipe.provider.ServiceFallback;
import io.docpipe.sweep.Sweep;
import org.apache.camel.Predicate;
import org.apache.camel.builder.RouteBuilder;

/**
 * The parse stage against the real LlamaParse. A claimed job is submitted within the budget and the upload rate,
 * and then waits in {@code parse_queued}; the webhook (or the overdue poll) only marks its result ready, and route
 * fetch-parse-result, fed by its own claim (claim-fetch-work in routes/pipeline.yaml), reads the status and the
 * Markdown within the read rate. Every request goes through request-llamaparse (made from the provider-call template,
 * io.docpipe.provider.ProviderCallRoutes): paced by its endpoint class, then inside the shared
 * {@code llamaparseCircuitBreaker}; its answer ({@link ProviderAnswer}) decides what happens next.
 */
public class LlamaParseRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:parse-with-llamaparse")
                .routeId("parse-with-llamaparse")
                .description("Submits a claimed job's document to LlamaParse within its budget; the job then waits in parse_queued for the webhook")
                .setVariable(JOB, body())
                // the document from the store, as a local file for the estimate and the upload (removed when this
                // exchange ends); none when the store cannot be read, and the job was failed for a later try
                .setVariable(LlamaParseStage.DOCUMENT, method("llamaParseStage", "readDocument"))
                .filter(variable(LlamaParseStage.DOCUMENT).isNotNull())
                    // a paid call follows: only while this worker still holds the job (fencing), its lease renewed
                    .bean("claimedJobs", "fence")
                    .filter(body().isNotNull())
                        .bean("llamaParseStage", "submission")
                        // reserved once the request is built: only the wait for its turn and the call come between reserve and settle
                        .bean("llamaParseBudget", "reserveSubmission")
                        .choice()
                            .when(variable(BudgetGate.REFUSAL).isNotNull())
                                .to("direct:llamaparse-over-budget")
                            .otherwise()
                                .to("direct:request-llamaparse")
                                .bean("llamaParseBudget", "settleSubmission")
                                .choice().id("submission-answer")
                                    .when(answerIs(ProviderAnswer.Kind.ANSWERED))
                                        .bean("llamaParseStage", "submitted")
                                    .when(answerIs(ProviderAnswer.Kind.REJECTED))
                                        .bean("llamaParseStage", "rejected")
                                    .when(answerIs(ProviderAnswer.Kind.RATE_LIMITED))
                                        .bean("llamaParseFallback", "waitForRateLimit")
                                    .when(simple("${body.outcomeUnknown}"))
                                        // LlamaParse may have created the job: wait for its webhook before uploading again
                                        .bean("llamaParseFallback", "inDoubt")
                                    .otherwise()
                                        .to("direct:llamaparse-unavailable")
                                .end()
                        .end()
                    .end()
                .end();

        from("direct:llamaparse-unavailable")
                .routeId("llamaparse-unavailable").routeConfigurationId("stage-step")
                .description("LlamaParse did not take the submission: in hybrid mode the mock parses while it is down; otherwise the job waits or is retried later")
                .bean("llamaParseFallback", "unavailable")
                .filter(body().isEqualTo(ServiceFallback.Next.USE_MOCK))
                    .setBody(variable(JOB))
                    .to("direct:parse-with-mock")
                .end();

        from("direct:llamaparse-over-budget")
                .routeId("llamaparse-over-budget")
                .description("LlamaParse's budget is spent: in hybrid mode the mock parses; otherwise the job waits for the next budget window")
                .bean("llamaParseBudget", "overBudget")
                .filter(body().isEqualTo(ServiceFallback.Next.USE_MOCK))
                    .setBody(variable(JOB))
                    .to("direct:parse-with-mock")
                .end();

        from("direct:fetch-parse-result")
                .routeId("fetch-parse-result")
                .description("Reads how a ready parse job ended on LlamaParse and its Markdown, then moves the job on by the outcome")
                .setVariable(JOB, body())
                .bean("llamaParseStage", "statusRequest")
                .to("direct:request-llamaparse")
                .bean("llamaParseStage", "readStatus")
                .filter(outcomeIs(Kind.FINISHED))
                    .bean("llamaParseStage", "resultRequest")
                    .to("direct:request-llamaparse")
                    .bean("llamaParseStage", "readResult")
                .end()
                .choice().id("fetch-outcome")
                    .when(outcomeIs(Kind.PARSED))
                        .bean("llamaParseStage", "storeResult")
                    .when(outcomeIs(Kind.RUNNING))
                        .bean("llamaParseStage", "checkAgainLater")
                    .when(outcomeIs(Kind.FAILED))
                        .bean("llamaParseStage", "fail")
                    .when(outcomeIs(Kind.RATE_LIMITED))
                        .setBody(simple("${body.answer}"))
                        .bean("llamaParseFallback", "waitForRateLimit")
                    .otherwise()
                        // the parse is paid for and may have succeeded: never the mock here, wait for LlamaParse
                        .setBody(simple("${body.answer}"))
                        .bean("llamaParseFallback", "waitForService")
                .end();

        Sweep.from(this, "poll-overdue-parse-jobs", "Marks parse jobs whose webhook is overdue as ready to read, so the fetch stage asks LlamaParse")
                .to("sql:classpath:sql/parse/mark-overdue-parse-jobs.sql")
                .setBody(header("CamelSqlUpdateCount"))
                .bean("sweepRuns", "finish");
    }

    static Predicate answerIs(ProviderAnswer.Kind kind) {
        return exchange -> exchange.getMessage().getBody(ProviderAnswer.class).is(kind);
    }

    private static Predicate outcomeIs(Kind kind) {
        return exchange -> exchange.getMessage().getBody(FetchOutcome.class).is(kind);
    }
}
