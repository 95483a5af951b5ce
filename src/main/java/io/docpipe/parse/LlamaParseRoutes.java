package io.docpipe.parse;

import io.docpipe.cost.BudgetGate;
import io.docpipe.provider.ServiceFallback;
import io.docpipe.sweep.Sweep;
import org.apache.camel.builder.RouteBuilder;

/**
 * The parse stage against the real LlamaParse: submitting documents and fetching results. Every call goes through
 * route request-llamaparse, inside the shared {@code llamaparseCircuitBreaker} whose explicit fallback is route
 * llamaparse-unavailable, and through call-llamaparse (rate limit, API key, error classification). A submission
 * first reserves its expected cost against LlamaParse's daily budget ({@code llamaParseBudget}).
 */
public class LlamaParseRoutes extends RouteBuilder {

    /** Names the {@link LlamaParseApi} method that reads the answer of the request being made. */
    static final String READER = "llamaParseReader";

    @Override
    public void configure() {
        from("direct:parse-with-llamaparse")
                .routeId("parse-with-llamaparse")
                .description("Submits a claimed job's document to LlamaParse within its budget; the job then waits in parse_queued for the webhook")
                .setVariable("job", body())
                .bean("llamaParseStage", "submission")
                // reserved once the request is built: nothing but the call itself comes between reserve and settle
                .bean("llamaParseBudget", "reserveSubmission")
                .choice()
                    .when(variable(BudgetGate.REFUSAL).isNull())
                        .setVariable(READER, constant("readJobId"))
                        .to("direct:request-llamaparse")
                        .bean("llamaParseBudget", "settleSubmission")
                        .filter(method("llamaParseStage", "answered"))
                            .bean("llamaParseStage", "submitted")
                        .endChoice()
                    .otherwise()
                        .to("direct:llamaparse-over-budget")
                .end();

        from("direct:llamaparse-over-budget")
                .routeId("llamaparse-over-budget")
                .description("LlamaParse's budget is spent: in hybrid mode the mock parses; otherwise the job waits for the next budget window")
                .bean("llamaParseBudget", "overBudget")
                .filter(exchangeProperty(ServiceFallback.USE_MOCK).isEqualTo(true))
                    .setBody(variable("job"))
                    .to("direct:parse-with-mock")
                .end();

        Sweep.from(this, "poll-overdue-parse-jobs", "Asks LlamaParse about parse jobs whose webhook is overdue")
                .to("sql:classpath:sql/parse/claim-overdue-parse-jobs.sql")
                .split(body())
                    .bean("correlationContext", "enter")
                    .to("direct:fetch-parse-result")
                .end()
                .setBody(simple("${body.size}"))
                .bean("sweepRuns", "finish");

        from("direct:fetch-parse-result")
                .routeId("fetch-parse-result")
                .description("Asks LlamaParse how a parse job ended and, when it succeeded, stores its Markdown")
                .setVariable("job", body())
                .bean("llamaParseStage", "statusRequest")
                .setVariable(READER, constant("readStatus"))
                .to("direct:request-llamaparse")
                .filter(method("llamaParseStage", "answered"))
                    .filter(method("llamaParseStage", "resultReady"))
                        .bean("llamaParseStage", "resultRequest")
                        .setVariable(READER, constant("readMarkdownResult"))
                        .to("direct:request-llamaparse")
                        .filter(method("llamaParseStage", "answered"))
                            .bean("llamaParseStage", "stored")
                        .end()
                    .end()
                .end();

        from("direct:request-llamaparse")
                .routeId("request-llamaparse").routeConfigurationId("stage-step")
                .description("Makes one LlamaParse request inside its circuit breaker and reads the answer")
                .circuitBreaker().id("llamaparse-breaker")
                    .resilience4jConfiguration().circuitBreaker("llamaparseCircuitBreaker").end()
                    .to("direct:call-llamaparse")
                    .toD("bean:llamaParseApi?method=${variable." + READER + "}")
                .onFallback()
                    .to("direct:llamaparse-unavailable")
                .end();

        from("direct:llamaparse-unavailable")
                .routeId("llamaparse-unavailable").routeConfigurationId("stage-step")
                .description("Circuit-breaker fallback: in hybrid mode the mock parses while LlamaParse is down; otherwise the job waits")
                .bean("llamaParseFallback", "decide")
                .filter(exchangeProperty(ServiceFallback.USE_MOCK).isEqualTo(true))
                    .setBody(variable("job"))
                    .to("direct:parse-with-mock")
                    .setProperty(ServiceFallback.SET_ASIDE, constant(true))
                .end();

        from("direct:call-llamaparse")
                .routeId("call-llamaparse").routeConfigurationId("stage-step")
                .description("Sends one request to LlamaParse within its rate limit and classifies the answer")
                .throttle(constant("{{docpipe.llamaparse.requests-per-minute}}")).timePeriodMillis(60_000)
                    .id("llamaparse-rate-limit")
                .bean("llamaParseHttp", "prepare")
                .to("{{docpipe.llamaparse.base-url}}?throwExceptionOnFailure=false"
                        + "&connectTimeout={{docpipe.llamaparse.connect-timeout-ms}}"
                        + "&responseTimeout={{docpipe.llamaparse.response-timeout-ms}}").id("llamaparse-http")
                .bean("llamaParseHttp", "check");
    }
}
