package io.docpipe.webhook;

import io.docpipe.observe.CorrelationContext;
import org.apache.camel.builder.RouteConfigurationBuilder;

/** The webhook answers in the API's JSON error shape, without the bearer-token check (it is signed instead). */
public class WebhookRouteConfiguration extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        routeConfiguration("webhook")
                // a pooled HTTP worker thread must not lend this delivery the correlation id of its last request
                .interceptFrom().bean(CorrelationContext.class, "leave").end()
                .onException(Exception.class).handled(true).process("jsonResponseWriter");
    }
}
