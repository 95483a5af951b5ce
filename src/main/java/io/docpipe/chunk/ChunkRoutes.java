package io.docpipe.chunk;

import org.apache.camel.builder.RouteBuilder;

/** The chunk stage's work, entered from route claim-chunk-work in routes/pipeline.yaml. */
public class ChunkRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:chunk-document")
                .routeId("chunk-document")
                .description("Cuts a parsed document into token-bounded chunks and queues them for embedding")
                .bean("chunkStage", "chunk");
    }
}
