package io.docpipe.parse;

import io.docpipe.provider.ProviderAnswer;
import io.docpipe.provider.ProviderRateLimitedException;
import io.docpipe.provider.ProviderRequest;
import io.docpipe.sweep.Sweep;
import org.apache.camel.builder.RouteBuilder;

/**
 * LlamaParse's edge, in Java: the parse stage's flow itself (submission, fetch) is routes/parse.yaml. Every request
 * goes through request-llamaparse: paced by its endpoint class, then inside the shared {@code llamaparseCircuitBreaker};
 * its answer ({@link ProviderAnswer}) is what the YAML routes choose on. Also the sweep that marks parse jobs whose
 * webhook is overdue as ready to read.
 */
public class LlamaParseRoutes extends RouteBuilder {

    @Override
    public void configure() {
        Sweep.from(this, "poll-overdue-parse-jobs", "Marks parse jobs whose webhook is overdue as ready to read, so the fetch stage asks LlamaParse")
                .to("sql:classpath:sql/parse/mark-overdue-parse-jobs.sql")
                .setBody(header("CamelSqlUpdateCount"))
                .bean("sweepRuns", "finish");

        from("direct:request-llamaparse")
                .routeId("request-llamaparse").routeConfigurationId("stage-step")
                .description("Makes one LlamaParse request: waits for its turn in the upload or read rate, then calls inside the circuit breaker; the body becomes the answer")
                .bean("llamaParseHttp", "awaitTurn")
                .filter(body().isInstanceOf(ProviderRequest.class))
                    .circuitBreaker().id("llamaparse-breaker")
                        // a 429 ends the call but is no outage: the breaker does not count it, and there is no fallback for it
                        .resilience4jConfiguration().circuitBreaker("llamaparseCircuitBreaker")
                            .ignoreException(ProviderRateLimitedException.class).end()
                        .bean("llamaParseHttp", "prepare")
                        .to("{{docpipe.llamaparse.base-url}}?throwExceptionOnFailure=false"
                                + "&connectTimeout={{docpipe.llamaparse.connect-timeout-ms}}"
                                + "&responseTimeout={{docpipe.llamaparse.response-timeout-ms}}").id("llamaparse-http")
                        .bean("llamaParseHttp", "check")
                    .onFallback()
                        .bean("llamaParseHttp", "unavailable")
                    .end()
                    .bean("llamaParseHttp", "answer")
                .end();
    }
}
