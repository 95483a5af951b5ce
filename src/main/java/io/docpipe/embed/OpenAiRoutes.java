package io.docpipe.embed;

import static io.docpipe.job.JobVariables.BATCH;

import io.docpipe.provider.ProviderAnswer;
import io.docpipe.sweep.Sweep;
import org.apache.camel.Predicate;
import org.apache.camel.builder.RouteBuilder;

/**
 * The re-embedding of vectors the mock made during an OpenAI outage (hybrid mode): each batch goes through route
 * call-openai (routes/embed.yaml: OpenAI's budget, then request-openai with its rates and circuit breaker), like the
 * embed stage's batches.
 */
public class OpenAiRoutes extends RouteBuilder {

    @Override
    public void configure() {
        // spotless:off
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
                .to("direct:call-openai")
                // anything but vectors (over budget, rate limited, unavailable): the fallback vectors stay until the next run
                .filter(answerIs(ProviderAnswer.Kind.ANSWERED))
                    .setBody(simple("${body.value}"))
                    .bean("reembedService", "replace")
                .end();
        // spotless:on
    }

    private static Predicate answerIs(ProviderAnswer.Kind kind) {
        return exchange -> exchange.getMessage().getBody(ProviderAnswer.class).is(kind);
    }
}
