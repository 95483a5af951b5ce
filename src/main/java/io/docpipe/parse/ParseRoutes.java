package io.docpipe.parse;

import org.apache.camel.builder.RouteBuilder;

/** The parse stage's work; which parser runs is decided in routes/pipeline.yaml (route parse-document). */
public class ParseRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:parse-with-mock")
                .routeId("parse-with-mock")
                .description("Parses a claimed job's document locally with Apache Tika (the free stand-in for LlamaParse)")
                .bean("mockParseStage", "parse");
    }
}
