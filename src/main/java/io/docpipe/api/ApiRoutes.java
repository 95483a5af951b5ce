package io.docpipe.api;

import org.apache.camel.builder.RouteBuilder;

/** The business HTTP API of the contract, served on {@code HTTP_PORT}. */
public class ApiRoutes extends RouteBuilder {

    @Override
    public void configure() {
        // spotless:off
        from("platform-http:/api/v1/documents?httpMethodRestrict=POST")
                .routeId("upload-document").routeConfigurationId("api")
                .description("Stores an uploaded file and opens its job in uploaded; identical bytes answer the existing ids")
                .bean("documentsApi", "upload")
                .process("jsonResponseWriter");

        from("platform-http:/api/v1/documents?httpMethodRestrict=GET")
                .routeId("list-document-versions").routeConfigurationId("api")
                .description("Lists the versions of a source (?source_id=), newest first, and which one search uses")
                .bean("documentsApi", "versions")
                .process("jsonResponseWriter");

        from("platform-http:/api/v1/documents/{document_id}?httpMethodRestrict=DELETE")
                .routeId("delete-document").routeConfigurationId("api")
                .description("Deletes a document: its job is cancelled, its chunks, vectors, index entries and stored file go")
                .bean("documentsApi", "delete")
                .process("jsonResponseWriter");

        from("platform-http:/api/v1/search?httpMethodRestrict=POST")
                .routeId("search-documents").routeConfigurationId("api")
                .description("Finds the chunks of current versions nearest a query by words, vectors or both, saying how complete the index is")
                .setVariable(SearchApi.REQUEST, method("searchApi", "request"))
                .setBody(constant(null))
                .filter(method("searchApi", "usesVectors"))
                    .setBody(method("searchApi", "query"))
                    .to("direct:embed-query")
                .end()
                .bean("searchApi", "search")
                .process("jsonResponseWriter");

        from("platform-http:/api/v1/documents/{document_id}/download?httpMethodRestrict=GET")
                .routeId("download-document").routeConfigurationId("api")
                .description("Answers a signed, time-limited link to a document's bytes in the bucket, or streams them from local storage")
                .bean("documentsApi", "download")
                .process("jsonResponseWriter");

        from("platform-http:/api/v1/documents/{document_id}/chunks?httpMethodRestrict=GET")
                .routeId("list-document-chunks").routeConfigurationId("api")
                .description("Lists a document's chunks in order with the provenance of their vectors")
                .bean("documentsApi", "chunks")
                .process("jsonResponseWriter");

        from("platform-http:/api/v1/jobs?httpMethodRestrict=GET")
                .routeId("list-jobs").routeConfigurationId("api")
                .description("Lists jobs, newest first, optionally by status or only dead ones")
                .bean("jobsApi", "list")
                .process("jsonResponseWriter");

        from("platform-http:/api/v1/jobs/{job_id}?httpMethodRestrict=GET")
                .routeId("get-job").routeConfigurationId("api")
                .description("Shows a job with its event log")
                .bean("jobsApi", "get")
                .process("jsonResponseWriter");

        from("platform-http:/api/v1/jobs/{job_id}/retry?httpMethodRestrict=POST")
                .routeId("retry-job").routeConfigurationId("api")
                .description("Sends a failed job back to the queue of the stage that failed")
                .bean("jobsApi", "retry")
                .process("jsonResponseWriter");

        from("platform-http:/api/v1/costs?httpMethodRestrict=GET")
                .routeId("report-costs").routeConfigurationId("api")
                .description("Reports a UTC day's spend per service against its budget (?date=, default today)")
                .bean("costsApi", "day")
                .process("jsonResponseWriter");

        from("platform-http:/api/v1/costs.csv?httpMethodRestrict=GET")
                .routeId("export-costs").routeConfigurationId("api")
                .description("Exports the cost ledger over a range of UTC days as CSV (?from=&to=)")
                .bean("costsApi", "export")
                .process("jsonResponseWriter");

        from("platform-http:/api/v1/health?httpMethodRestrict=GET")
                .routeId("report-health").routeConfigurationId("api")
                .description("Reports the database and each external service")
                .bean("healthApi", "health")
                .process("jsonResponseWriter");
        // spotless:on
    }
}
