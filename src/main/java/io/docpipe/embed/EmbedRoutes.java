package io.docpipe.embed;

import org.apache.camel.builder.RouteBuilder;

/**
 * The embed stage: plans request-sized batches of a job's chunks, sends each through route embed-batch (in
 * routes/pipeline.yaml, where the provider is chosen), stores each batch's vectors as they come, then completes.
 */
public class EmbedRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:embed-document")
                .routeId("embed-document")
                .description("Embeds a claimed job's chunks batch by batch, then marks the job complete")
                .setVariable("job", body())
                .bean("embedStage", "prepare")
                .filter(body().isNotNull())
                    .split(body()).stopOnException()
                        // a batch whose provider refused or was unavailable has set the job aside: skip the rest
                        .filter(method("embedStage", "stillWorking"))
                            .to("direct:embed-batch")
                            .filter(body().isNotNull())
                                .bean("embedStage", "store")
                            .end()
                        .end()
                    .end()
                    .setBody(variable("job"))
                    .bean("embedStage", "finish")
                .end();

        from("direct:embed-with-mock")
                .routeId("embed-with-mock").routeConfigurationId("stage-step")
                .description("Makes deterministic local vectors for a batch (the free stand-in for OpenAI)")
                .bean("mockEmbeddingService", "embed");
    }
}
