package io.docpipe.parse;

import io.docpipe.provider.ProviderRejection;
import io.docpipe.provider.ServiceFallback;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * The parse stage against the real LlamaParse: submitting documents, fetching results, and the one HTTP route
 * every LlamaParse call goes through (rate limit, API key, error classification). Every call sits inside the
 * shared {@code llamaparseCircuitBreaker}, whose explicit fallback is route llamaparse-unavailable.
 */
public class LlamaParseRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:parse-with-llamaparse")
                .routeId("parse-with-llamaparse")
                .description("Submits a claimed job's document to LlamaParse; the job then waits in parse_queued for the webhook")
                .setVariable("job", body())
                .bean("llamaParseStage", "submission")
                .circuitBreaker().id("llamaparse-submit-breaker")
                    .resilience4jConfiguration().circuitBreaker("llamaparseCircuitBreaker").end()
                    .to("direct:call-llamaparse")
                    .bean("llamaParseApi", "readJobId")
                .onFallback()
                    .to("direct:llamaparse-unavailable")
                .end()
                .choice()
                    .when(exchangeProperty(ServiceFallback.SET_ASIDE).isNotNull())
                        .log(LoggingLevel.DEBUG, "io.docpipe.parse", "LlamaParse unavailable; the fallback has dealt with the job")
                    .when(exchangeProperty(ProviderRejection.PROPERTY).isNotNull())
                        .bean("llamaParseStage", "rejected")
                    .otherwise()
                        .bean("llamaParseStage", "submitted")
                .end();

        from("direct:fetch-parse-result")
                .routeId("fetch-parse-result")
                .description("Asks LlamaParse how a parse job ended and, when it succeeded, stores its Markdown")
                .setVariable("job", body())
                .bean("llamaParseStage", "statusRequest")
                .circuitBreaker().id("llamaparse-status-breaker")
                    .resilience4jConfiguration().circuitBreaker("llamaparseCircuitBreaker").end()
                    .to("direct:call-llamaparse")
                    .bean("llamaParseApi", "readStatus")
                .onFallback()
                    .to("direct:llamaparse-unavailable")
                .end()
                .choice()
                    .when(exchangeProperty(ServiceFallback.SET_ASIDE).isNotNull())
                        .log(LoggingLevel.DEBUG, "io.docpipe.parse", "LlamaParse unavailable; the fallback has dealt with the job")
                    .when(exchangeProperty(ProviderRejection.PROPERTY).isNotNull())
                        .bean("llamaParseStage", "rejected")
                    .when(method("llamaParseStage", "resultReady"))
                        .bean("llamaParseStage", "resultRequest")
                        .circuitBreaker().id("llamaparse-result-breaker")
                            .resilience4jConfiguration().circuitBreaker("llamaparseCircuitBreaker").end()
                            .to("direct:call-llamaparse")
                            .bean("llamaParseApi", "readMarkdownResult")
                        .onFallback()
                            .to("direct:llamaparse-unavailable")
                        .end()
                        .to("direct:store-parse-result")
                .end();

        from("direct:store-parse-result")
                .routeId("store-parse-result").routeConfigurationId("stage-step")
                .description("Stores a fetched LlamaParse result, or fails the job when LlamaParse refused to give it")
                .choice()
                    .when(exchangeProperty(ServiceFallback.SET_ASIDE).isNotNull())
                        .log(LoggingLevel.DEBUG, "io.docpipe.parse", "LlamaParse unavailable; the fallback has dealt with the job")
                    .when(exchangeProperty(ProviderRejection.PROPERTY).isNotNull())
                        .bean("llamaParseStage", "rejected")
                    .otherwise()
                        .bean("llamaParseStage", "stored")
                .end();

        from("direct:llamaparse-unavailable")
                .routeId("llamaparse-unavailable").routeConfigurationId("stage-step")
                .description("Circuit-breaker fallback: in hybrid mode the mock parses while LlamaParse is down; otherwise the job waits")
                .filter(method("llamaParseFallback", "useMock"))
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
