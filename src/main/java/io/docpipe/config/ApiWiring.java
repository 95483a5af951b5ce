package io.docpipe.config;

import io.docpipe.api.ApiAuthentication;
import io.docpipe.api.CostsApi;
import io.docpipe.api.DocumentsApi;
import io.docpipe.api.HealthApi;
import io.docpipe.api.HealthApi.ServiceHealth;
import io.docpipe.api.JobsApi;
import io.docpipe.api.JsonResponseWriter;
import io.docpipe.api.UnroutedRequests;
import io.docpipe.document.DocumentDeletion;
import io.docpipe.job.JobQueries;
import io.docpipe.upload.UploadService;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.springframework.transaction.support.TransactionTemplate;

/** The business HTTP API: authentication, uploads, documents, jobs, costs and health, and answers no route takes. */
final class ApiWiring {

    private ApiWiring() {}

    static void bind(Foundation f, CostWiring.Costs costs, Map<String, ServiceHealth> services) throws Exception {
        Settings settings = f.settings();
        f.registry().bind("apiAuthentication", new ApiAuthentication(settings.string("docpipe.api.token")));
        UnroutedRequests unrouted = new UnroutedRequests(f.context(), settings.integer("camel.server.port"));
        MainHttpServer businessServer = f.context().hasService(MainHttpServer.class);
        if (businessServer == null) {
            throw new StartupRefusedException(
                    "camel.server.enabled must be true: docpipe's API runs on the business HTTP server");
        }
        unrouted.answerWhileStarting(businessServer);
        f.context().addStartupListener(unrouted);
        f.registry().bind("jsonResponseWriter", new JsonResponseWriter());
        TransactionTemplate readOnly = new TransactionTemplate(f.tx().getTransactionManager());
        readOnly.setReadOnly(true);
        f.registry()
                .bind(
                        "documentsApi",
                        new DocumentsApi(
                                new UploadService(
                                        f.jdbc(),
                                        f.tx(),
                                        f.documents(),
                                        f.versions(),
                                        f.storage(),
                                        f.extractor(),
                                        settings.number("docpipe.upload.max-size-bytes"),
                                        f.stateMachine()),
                                f.documents(),
                                f.chunks(),
                                f.versions(),
                                new DocumentDeletion(
                                        f.jdbc(),
                                        f.tx(),
                                        f.stateMachine(),
                                        f.versions(),
                                        f.searchChanges(),
                                        f.storage()),
                                f.storage(),
                                Duration.ofSeconds(settings.number("docpipe.storage.link-seconds")),
                                readOnly,
                                settings.path("docpipe.data-dir").resolve("spool")));
        f.registry().bind("jobsApi", new JobsApi(new JobQueries(f.jdbc()), f.stateMachine()));
        f.registry().bind("costsApi", new CostsApi(f.jdbc(), costs.ledger(), costs.budgets()));
        f.registry().bind("healthApi", new HealthApi(f.dataSource(), services, f.storage()));
    }
}
