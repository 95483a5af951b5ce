package io.docpipe.webhook;

import org.apache.camel.builder.RouteBuilder;

/** {@code POST /api/v1/webhooks/llamaparse}: LlamaCloud's signed call-back when a parse job ends. */
public class WebhookRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("platform-http:/api/v1/webhooks/llamaparse?httpMethodRestrict=POST")
                .routeId("receive-llamaparse-webhook").routeConfigurationId("webhook")
                .description("Verifies a LlamaParse webhook's signature, matches it to a job and fetches the result from the API")
                .convertBodyTo(byte[].class)
                .process("webhookSignatureCheck")
                .bean("llamaParseWebhook", "identify")
                .setVariable("delivery", body())
                .filter(simple("${body.fetchResult}"))
                    .setBody(simple("${body.job}"))
                    .to("direct:fetch-parse-result")
                .end()
                .setBody(variable("delivery"))
                .bean("llamaParseWebhook", "acknowledge")
                .process("jsonResponseWriter");
    }
}
