package io.docpipe.provider;

import org.apache.camel.builder.RouteBuilder;

/**
 * One request to a provider, as one route template: routes {@code request-llamaparse} and {@code request-openai}
 * are made from it and differ only in their parameters. The stages (routes/*.yaml and the parse routes) call them
 * with a {@link ProviderRequest} and go on with the {@link ProviderAnswer} it becomes.
 * <p>
 * Why Java and not YAML: the provider call is the same machinery for every provider (pacing, breaker, HTTP, answer
 * classification), which nobody tunes per deployment except by properties; a template keeps it in one place, and
 * the breaker's details (below) are easier to keep right in code than in a file meant for editing. Templated routes
 * are not re-created by a YAML reload anyway (camel.md).
 */
public class ProviderCallRoutes extends RouteBuilder {

    public static final String TEMPLATE = "provider-call";

    @Override
    public void configure() {
        // spotless:off
        routeTemplate(TEMPLATE)
                .templateParameter("service", null, "the provider as it is named in route and node ids and in the"
                        + " docpipe.<service>.* properties: llamaparse or openai")
                .templateParameter("http", null, "the provider's HTTP edge, a ProviderHttp bean")
                .templateParameter("breaker", null, "the provider's resilience4j CircuitBreaker bean, shared by every call to it")
                // {{service}}, {{http}}, {{breaker}} are the template's parameters; {{docpipe.{{service}}.*}} are
                // properties of application.properties, named by a parameter (Camel resolves the nested placeholder)
                .from("direct:request-{{service}}")
                .routeConfigurationId("stage-step")
                // a route's description is not resolved like its steps: one text for both routes
                .description("Makes one request to the provider (llamaparse or openai, as the route id says): waits for its"
                        + " turn in the provider's rates, then calls inside its circuit breaker; the body becomes the answer")
                .bean("{{http}}", "awaitTurn")
                // a turn too far away is already the answer (rate limited, nothing sent)
                .filter(body().isInstanceOf(ProviderRequest.class))
                    .circuitBreaker().id("{{service}}-breaker")
                        // the breaker bean ignores a 429 (no outage); it is not ignored here as well, because
                        // Camel 4.18 copies a template's steps and its copy of ignoreException also makes the
                        // exception the only one recorded, so a 500 would end without the fallback. The fallback
                        // tells the 429 apart instead (ProviderHttp#fallback).
                        .resilience4jConfiguration().circuitBreaker("{{breaker}}").end()
                        .bean("{{http}}", "prepare")
                        .to("{{docpipe.{{service}}.base-url}}?throwExceptionOnFailure=false"
                                + "&connectTimeout={{docpipe.{{service}}.connect-timeout-ms}}"
                                + "&responseTimeout={{docpipe.{{service}}.response-timeout-ms}}").id("{{service}}-http")
                        .bean("{{http}}", "check")
                    .onFallback()
                        .bean("{{http}}", "fallback")
                    .end()
                .end();

        templatedRoute(TEMPLATE).routeId("request-llamaparse")
                .parameter("service", "llamaparse")
                .parameter("http", "llamaParseHttp")
                .parameter("breaker", "llamaparseCircuitBreaker");

        templatedRoute(TEMPLATE).routeId("request-openai")
                .parameter("service", "openai")
                .parameter("http", "openAiHttp")
                .parameter("breaker", "openaiCircuitBreaker");
        // spotless:on
    }
}
