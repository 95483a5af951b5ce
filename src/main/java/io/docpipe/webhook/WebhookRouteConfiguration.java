package io.docpipe.webhook;

import org.apache.camel.builder.RouteConfigurationBuilder;

/** The webhook answers in the API's JSON error shape, without the bearer-token check (it is signed instead). */
public class WebhookRouteConfiguration extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        // spotless:off
        routeConfiguration("webhook")
                .onException(Exception.class).handled(true).process("jsonResponseWriter");
        // spotless:on
    }
}
