package io.docpipe.embed;

import io.docpipe.job.JobVariables;
import org.apache.camel.builder.RouteBuilder;

/**
 * The embed stage: plans request-sized batches of the chunks of all jobs one claim leased, sends each through route
 * embed-batch (in routes/pipeline.yaml, where the provider is chosen), stores each batch's vectors as they come,
 * then completes the jobs.
 */
public class EmbedRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:embed-claimed-jobs")
                .routeId("embed-claimed-jobs")
                .description("Embeds the chunks of the claimed jobs in as few requests as possible, then completes the jobs")
                .setVariable(JobVariables.JOBS, method("embedStage", "start"))
                .bean("embedStage", "plan")
                .split(body()).stopOnException()
                    // a paid call follows: only for jobs this worker still holds (an earlier batch may have set some
                    // aside, another worker may have taken some over); their leases are renewed
                    .bean("embedStage", "fence")
                    .filter(body().isNotNull())
                        .to("direct:embed-batch")
                        .filter(body().isNotNull())
                            .bean("embedStage", "store")
                        .end()
                    .end()
                .end()
                .bean("embedStage", "finish");

        from("direct:embed-with-mock")
                .routeId("embed-with-mock").routeConfigurationId("stage-step")
                .description("Makes deterministic local vectors for a batch (the free stand-in for OpenAI)")
                .bean("mockEmbeddingService", "embed");
    }
}
