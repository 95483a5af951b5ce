package io.docpipe.webhook;

import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * The webhook answers in the API's JSON error shape, without the bearer-token check (it is signed instead). When
 * LlamaParse cannot be reached to confirm a delivery, the job waits for the overdue poll and the sender gets 200.
 */
public class WebhookRouteConfiguration extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        routeConfiguration("webhook")
                .onException(Exception.class).handled(true).process("jsonResponseWriter");
    }
}
