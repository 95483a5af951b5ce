package io.docpipe.embed;

import io.docpipe.provider.ProviderRejection;
import io.docpipe.provider.ServiceFallback;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Embeddings from the real OpenAI API: one batch per request, inside the shared {@code openaiCircuitBreaker}
 * whose explicit fallback is route openai-unavailable, and the re-embedding of vectors made by the mock during an
 * outage.
 */
public class OpenAiRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:embed-with-openai")
                .routeId("embed-with-openai").routeConfigurationId("stage-step")
                .description("Embeds one batch of chunks with OpenAI; rejections fail the job, outages go to the fallback")
                .setVariable("batch", body())
                .setVariable(ServiceFallback.AFFECTED_JOBS, simple("${body.jobs}"))
                .to("direct:request-openai-embeddings")
                .filter(exchangeProperty(ProviderRejection.PROPERTY).isNotNull())
                    .bean("embedStage", "rejected")
                    .setBody(constant(null))
                .end();

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
                .choice()
                    .when(method("openAiFallback", "useMock"))
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

        from("timer:reembed-fallback-vectors?period={{docpipe.openai.reembed-interval-ms}}&delay={{docpipe.openai.reembed-interval-ms}}")
                .routeId("reembed-fallback-vectors")
                .description("Replaces vectors the mock made during an OpenAI outage once OpenAI is back (hybrid mode)")
                .filter(method("reembedService", "due"))
                    .bean("reembedService", "pending")
                    .split(body())
                        .setVariable("batch", body())
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
                        .filter(body().isNotNull())
                            .bean("reembedService", "replace")
                        .end()
                    .end()
                .end();
    }
}
