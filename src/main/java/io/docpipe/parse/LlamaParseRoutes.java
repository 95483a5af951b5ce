package io.docpipe.parse;

import io.docpipe.provider.ProviderAnswer;
import io.docpipe.sweep.Sweep;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;

/**
 * LlamaParse's edge, in Java: the parse stage's flow itself (submission, fetch) is routes/parse.yaml. Every request
 * goes through request-llamaparse (made from the provider-call template, io.docpipe.provider.ProviderCallRoutes): paced by its endpoint class, then inside the shared {@code llamaparseCircuitBreaker};
 * its answer ({@link ProviderAnswer}) is what the YAML routes choose on. Also the sweep that marks parse jobs whose
 * webhook is overdue as ready to read.
 */
public class LlamaParseRoutes extends RouteBuilder {

    @Override
    public void configure() {
        // spotless:off
        Sweep.from(this, "poll-overdue-parse-jobs", "Marks parse jobs whose webhook is overdue as ready to read, so the fetch stage asks LlamaParse")
                .to("sql:classpath:sql/parse/mark-overdue-parse-jobs.sql")
                .setBody(header(SqlConstants.SQL_UPDATE_COUNT))
                .bean("sweepRuns", "finish");
        // spotless:on
    }
}
