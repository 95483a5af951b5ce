package io.docpipe.webhook;

import org.apache.camel.builder.RouteBuilder;

/**
 * {@code POST /api/v1/webhooks/llamaparse}: LlamaCloud's signed call-back when a parse job ends. It makes no outbound
 * call: LlamaCloud gives up on a delivery after 30 s, so the answer never waits behind LlamaParse's rate limits.
 */
public class WebhookRoutes extends RouteBuilder {

    @Override
    public void configure() {
        // spotless:off
        from("platform-http:/api/v1/webhooks/llamaparse?httpMethodRestrict=POST")
                .routeId("receive-llamaparse-webhook").routeConfigurationId("webhook")
                .description("Verifies a LlamaParse webhook's signature, matches it to a job and records it; the fetch stage reads the result")
                .convertBodyTo(byte[].class)
                .process("webhookSignatureCheck")
                .bean("llamaParseWebhook", "read")
                .bean("llamaParseWebhook", "record")
                .process("jsonResponseWriter");
        // spotless:on
    }
}
