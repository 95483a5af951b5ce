package io.docpipe.embed;

import static io.docpipe.job.JobVariables.BATCH;
import static io.docpipe.job.JobVariables.JOBS_IN_CALL;

import io.docpipe.cost.BudgetGate;
import io.docpipe.provider.ProviderAnswer;
import io.docpipe.provider.ProviderRateLimitedException;
import io.docpipe.provider.ProviderRequest;
import io.docpipe.provider.ServiceFallback;
import io.docpipe.sweep.Sweep;
import org.apache.camel.Predicate;
import org.apache.camel.builder.RouteBuilder;

/**
 * Embeddings from the real OpenAI API: one batch per request, each first reserving its expected cost against
 * OpenAI's daily budget ({@code openAiBudget}), paced to OpenAI's request and token limits, and made inside the
 * shared {@code openaiCircuitBreaker}; the request's answer ({@link ProviderAnswer}) decides what happens next. Also
 * the re-embedding of vectors made by the mock during an outage.
 */
public class OpenAiRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:embed-with-openai")
                .routeId("embed-with-openai").routeConfigurationId("stage-step")
                .description("Embeds one batch of chunks with OpenAI within its budget; the answer decides: store, fail, wait or (hybrid) the mock")
                .setVariable(BATCH, body())
                .setVariable(JOBS_IN_CALL, simple("${body.jobs}"))
                .bean("openAiBudget", "reserveBatch")
                .choice()
                    .when(variable(BudgetGate.REFUSAL).isNotNull())
                        .bean("openAiBudget", "overBudget")
                        .to("direct:embed-in-openai-place")
                    .otherwise()
                        .bean("openAiEmbeddingsApi", "request")
                        .to("direct:request-openai")
                        .bean("openAiBudget", "settleBatch")
                        .choice().id("embeddings-answer")
                            .when(answerIs(ProviderAnswer.Kind.ANSWERED))
                                .setBody(simple("${body.value}"))
                            .when(answerIs(ProviderAnswer.Kind.REJECTED))
                                .bean("embedStage", "rejected")
                                .setBody(constant(null))
                            .when(answerIs(ProviderAnswer.Kind.RATE_LIMITED))
                                .bean("openAiFallback", "waitForRateLimit")
                                .setBody(constant(null))
                            .otherwise()
                                .bean("openAiFallback", "unavailable")
                                .to("direct:embed-in-openai-place")
                        .end()
                .end();

        from("direct:embed-in-openai-place")
                .routeId("embed-in-openai-place").routeConfigurationId("stage-step")
                .description("When OpenAI is down or over budget in hybrid mode, the mock embeds the batch as fallback vectors; otherwise none are made")
                .choice()
                    .when(body().isEqualTo(ServiceFallback.Next.USE_MOCK))
                        .setBody(variable(BATCH))
                        .bean("mockEmbeddingService", "embedAsFallback")
                    .otherwise()
                        .setBody(constant(null))
                .end();

        from("direct:request-openai")
                .routeId("request-openai").routeConfigurationId("stage-step")
                .description("Makes one OpenAI request: waits for its turn in the request and token rates, then calls inside the circuit breaker; the body becomes the answer")
                .bean("openAiHttp", "awaitTurn")
                .filter(body().isInstanceOf(ProviderRequest.class))
                    .circuitBreaker().id("openai-breaker")
                        // a 429 ends the call but is no outage: the breaker does not count it, and there is no fallback for it
                        .resilience4jConfiguration().circuitBreaker("openaiCircuitBreaker")
                            .ignoreException(ProviderRateLimitedException.class).end()
                        .bean("openAiHttp", "prepare")
                        .to("{{docpipe.openai.base-url}}?throwExceptionOnFailure=false"
                                + "&connectTimeout={{docpipe.openai.connect-timeout-ms}}"
                                + "&responseTimeout={{docpipe.openai.response-timeout-ms}}").id("openai-http")
                        .bean("openAiHttp", "check")
                    .onFallback()
                        .bean("openAiHttp", "unavailable")
                    .end()
                    .bean("openAiHttp", "answer")
                .end();

        Sweep.from(this, "reembed-fallback-vectors", "Replaces vectors the mock made during an OpenAI outage once OpenAI is back (hybrid mode)")
                .choice()
                    .when(method("reembedService", "due"))
                        .bean("reembedService", "pending")
                        .split(body())
                            .to("direct:reembed-batch")
                        .end()
                        .bean("reembedService", "chunksInRun")
                    .endChoice()
                    .otherwise()
                        .setBody(constant(0))
                .end()
                .bean("sweepRuns", "finish");

        from("direct:reembed-batch")
                .routeId("reembed-batch")
                .description("Re-embeds one batch of fallback vectors with OpenAI, within its budget, rates and circuit breaker")
                .setVariable(BATCH, body())
                .bean("openAiBudget", "reserveBatch")
                .filter(variable(BudgetGate.REFUSAL).isNull())
                    .bean("openAiEmbeddingsApi", "request")
                    .to("direct:request-openai")
                    .bean("openAiBudget", "settleBatch")
                    // anything but vectors: the fallback vectors stay until the next run
                    .filter(answerIs(ProviderAnswer.Kind.ANSWERED))
                        .setBody(simple("${body.value}"))
                        .bean("reembedService", "replace")
                    .end()
                .end();
    }

    private static Predicate answerIs(ProviderAnswer.Kind kind) {
        return exchange -> exchange.getMessage().getBody(ProviderAnswer.class).is(kind);
    }
}
