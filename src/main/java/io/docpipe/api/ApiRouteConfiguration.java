package io.docpipe.api;

import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * What every business API route shares: the bearer-token check on entry and the JSON error replies.
 * Routes opt in with {@code routeConfigurationId("api")}; the webhook has its own signature check instead.
 */
public class ApiRouteConfiguration extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        // spotless:off
        routeConfiguration("api")
                .interceptFrom().process("apiAuthentication").end()
                .onException(Exception.class).handled(true).process("jsonResponseWriter");
        // spotless:on
    }
}
