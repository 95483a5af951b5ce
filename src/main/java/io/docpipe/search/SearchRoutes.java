package io.docpipe.search;

import static io.docpipe.job.JobVariables.BATCH;

import io.docpipe.job.JobVariables;
import org.apache.camel.builder.RouteBuilder;

/**
 * The search side's routes: this instance's index follows PostgreSQL's changes, can be rebuilt by hand, and a
 * query is embedded the way chunks are (through OpenAI's budget, rates and breaker, route request-openai).
 */
public class SearchRoutes extends RouteBuilder {

    @Override
    public void configure() {
        // spotless:off
        from("scheduler:follow-search-index?delay={{docpipe.search.follow-interval-ms}}&initialDelay=0&scheduledExecutorService=#searchIndexThread")
                .routeId("follow-search-index")
                .autoStartup("{{docpipe.search.follow-enabled}}")
                .description("Applies to this instance's search index the documents PostgreSQL changed since its last published batch (built from scratch when it has none), on a thread of low priority")
                .bean("searchIndexFollower", "follow");

        from("direct:rebuild-search-index")
                .routeId("rebuild-search-index")
                .description("Builds this instance's search index again from every searchable chunk in PostgreSQL (send any message to run it)")
                .bean("searchIndexFollower", "rebuild");

        from("direct:embed-query")
                .routeId("embed-query").routeConfigurationId("stage-step")
                .description("Embeds a search query in each vector space the mode searches: the mock's locally, OpenAI's within its budget, rates and breaker (recent ones from a cache)")
                .setVariable(QueryEmbedder.QUERY, body())
                .bean("queryEmbedder", "local")
                .filter(method("queryEmbedder", "needsOpenAi"))
                    .setVariable(QueryEmbedder.VECTORS, body())
                    .setVariable(BATCH, method("queryEmbedder", "batch"))
                    // the budget's decision: reserved, or refused (then an error in real mode, the mock's vector in hybrid)
                    .bean("openAiBudget", "decideBatch")
                    .choice().id("query-budget-decision")
                        .when(simple("${body.reserved}"))
                            .setBody(variable(BATCH))
                            .bean("openAiEmbeddingsApi", "request")
                            // a search waits for its turn in OpenAI's rates less long than a worker does
                            .setVariable(JobVariables.MAX_PACING_WAIT, method("queryEmbedder", "maxPacingWait"))
                            .to("direct:request-openai")
                            .bean("openAiBudget", "settleBatch")
                            .bean("queryEmbedder", "answered")
                        .otherwise()
                            .bean("queryEmbedder", "overBudget")
                    .end()
                .end();
        // spotless:on
    }
}
