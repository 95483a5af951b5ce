package io.docpipe.api;

import io.docpipe.observe.CorrelationContext;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * What every business API route shares: the bearer-token check on entry and the JSON error replies.
 * Routes opt in with {@code routeConfigurationId("api")}; the webhook has its own signature check instead.
 */
public class ApiRouteConfiguration extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        routeConfiguration("api")
                // a pooled HTTP worker thread must not lend this request the correlation id of its last one
                .interceptFrom().bean(CorrelationContext.class, "leave").process("apiAuthentication").end()
                .onException(Exception.class).handled(true).process("jsonResponseWriter");
    }
}
