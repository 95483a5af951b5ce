package io.docpipe.config;

import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * The steps a stage calls ({@code routeConfigurationId "stage-step"}: provider calls, fallbacks, the provider
 * choice) handle no errors themselves, so a failure reaches the stage route that owns the job exactly once, even
 * from inside a split, and is logged there; the job's lease then expires and it is retried.
 */
public class StageRouteConfiguration extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        // spotless:off
        routeConfiguration("stage-step").errorHandler(noErrorHandler());
        // spotless:on
    }
}
