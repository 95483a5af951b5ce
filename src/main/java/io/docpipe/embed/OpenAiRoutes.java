package io.docpipe.embed;

import io.docpipe.cost.BudgetGate;
import io.docpipe.provider.ProviderRejection;
import io.docpipe.provider.ServiceFallback;
import io.docpipe.sweep.Sweep;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Embeddings from the real OpenAI API: one batch per request, inside the shared {@code openaiCircuitBreaker}
 * whose explicit fallback is route openai-unavailable, each request first reserving its expected cost against
 * OpenAI's daily budget ({@code openAiBudget}); and the re-embedding of vectors made by the mock during an outage.
 */
public class OpenAiRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:embed-with-openai")
                .routeId("embed-with-openai").routeConfigurationId("stage-step")
                .description("Embeds one batch of chunks with OpenAI within its budget; rejections fail the job, outages go to the fallback")
                .setVariable("batch", body())
                .setVariable(ServiceFallback.AFFECTED_JOBS, simple("${body.jobs}"))
                .bean("openAiBudget", "reserveBatch")
                .choice()
                    .when(variable(BudgetGate.REFUSAL).isNull())
                        .to("direct:request-openai-embeddings")
                        .bean("openAiBudget", "settleBatch")
                        .filter(exchangeProperty(ProviderRejection.PROPERTY).isNotNull())
                            .bean("embedStage", "rejected")
                            .setBody(constant(null))
                        .endChoice()
                    .otherwise()
                        .to("direct:openai-over-budget")
                .end();

        from("direct:openai-over-budget")
                .routeId("openai-over-budget").routeConfigurationId("stage-step")
                .description("OpenAI's budget is spent: in hybrid mode the mock embeds; otherwise the batch's jobs wait for the next budget window")
                .bean("openAiBudget", "overBudget")
                .to("direct:embed-in-openai-place");

        from("direct:request-openai-embeddings")
                .routeId("request-openai-embeddings").routeConfigurationId("stage-step")
                .description("Requests the vectors of one batch inside OpenAI's circuit breaker")
                .bean("openAiEmbeddingsApi", "request")
                .circuitBreaker().id("openai-embeddings-breaker")
                    .resilience4jConfiguration().circuitBreaker("openaiCircuitBreaker").end()
                    .bean("openAiTokenLimit", "acquire").id("openai-tokens-per-minute")
                    .to("direct:call-openai")
                    .bean("openAiEmbeddingsApi", "read")
                .onFallback()
                    .to("direct:openai-unavailable")
                .end();

        from("direct:openai-unavailable")
                .routeId("openai-unavailable").routeConfigurationId("stage-step")
                .description("Circuit-breaker fallback: in hybrid mode the mock embeds while OpenAI is down; otherwise the job waits")
                .bean("openAiFallback", "decide")
                .to("direct:embed-in-openai-place");

        from("direct:embed-in-openai-place")
                .routeId("embed-in-openai-place").routeConfigurationId("stage-step")
                .description("When the decision before allows it (hybrid), the mock embeds the batch as fallback vectors; otherwise none are made")
                .choice()
                    .when(exchangeProperty(ServiceFallback.USE_MOCK).isEqualTo(true))
                        .setBody(variable("batch"))
                        .bean("mockEmbeddingService", "embedAsFallback")
                    .otherwise()
                        .setBody(constant(null))
                .end();

        from("direct:call-openai")
                .routeId("call-openai").routeConfigurationId("stage-step")
                .description("Sends one request to OpenAI within its rate limit and classifies the answer")
                .throttle(constant("{{docpipe.openai.requests-per-minute}}")).timePeriodMillis(60_000)
                    .id("openai-rate-limit")
                .bean("openAiHttp", "prepare")
                .to("{{docpipe.openai.base-url}}?throwExceptionOnFailure=false"
                        + "&connectTimeout={{docpipe.openai.connect-timeout-ms}}"
                        + "&responseTimeout={{docpipe.openai.response-timeout-ms}}").id("openai-http")
                .bean("openAiHttp", "check");

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
                .description("Re-embeds one batch of fallback vectors with OpenAI, within its budget and circuit breaker")
                .setVariable("batch", body())
                .bean("openAiBudget", "reserveBatch")
                .filter(variable(BudgetGate.REFUSAL).isNull())
                    .circuitBreaker().id("openai-reembed-breaker")
                        .resilience4jConfiguration().circuitBreaker("openaiCircuitBreaker").end()
                        .bean("openAiEmbeddingsApi", "request")
                        .bean("openAiTokenLimit", "acquire")
                        .to("direct:call-openai")
                        .bean("openAiEmbeddingsApi", "read")
                    .onFallback()
                        .log(LoggingLevel.INFO, "OpenAI is still unavailable; fallback vectors stay until the next run")
                        .setBody(constant(null))
                    .end()
                    .bean("openAiBudget", "settleBatch")
                    .filter(body().isNotNull())
                        .bean("reembedService", "replace")
                    .end()
                .end();
    }
}
