package io.docpipe.config;

import io.docpipe.job.JobStoppedException;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * Error handling shared by the pipeline routes. A stage route ({@code "stage"}) ends a job's work quietly when the
 * job has been set aside ({@link JobStoppedException}); anything else is logged and the job's lease expires, so it
 * is retried. The steps a stage calls ({@code "stage-step"}) handle nothing themselves, so a failure always reaches
 * the stage that owns the job, even from inside a split.
 */
public class StageRouteConfiguration extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        routeConfiguration("stage")
                .onException(JobStoppedException.class).handled(true)
                    .log(LoggingLevel.DEBUG, "io.docpipe.stage", "${exception.message}");

        routeConfiguration("stage-step")
                .errorHandler(noErrorHandler());
    }
}
