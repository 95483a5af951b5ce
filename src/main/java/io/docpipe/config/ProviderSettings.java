package io.docpipe.config;

import io.docpipe.provider.ProviderHttp;
import io.docpipe.provider.ServiceMode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;

/**
 * One external service's mode and circuit breaker, read before anything else starts: real and hybrid need the
 * service's API key. The breaker is bound as {@code <name>CircuitBreaker}, shared by every route that calls it.
 */
record ProviderSettings(String name, ServiceMode mode, CircuitBreaker breaker) {

    /**
     * The mode of one service ({@code <SERVICE>_MODE}, else {@code SERVICE_MODE}); real and hybrid need the
     * service's API key, and the start stops with one line naming the missing variable.
     */
    static ProviderSettings read(
            Settings settings, CircuitBreakerRegistry breakers, String name, String variablePrefix) {
        String prefix = "docpipe." + name;
        ServiceMode mode = ServiceMode.parse(settings.string(prefix + ".mode"), variablePrefix + "_MODE");
        if (mode.usesRealService() && settings.string(prefix + ".api-key").isEmpty()) {
            throw new StartupRefusedException(variablePrefix + "_API_KEY is required when " + variablePrefix
                    + "_MODE is " + mode.wireName() + " (set it, or use " + variablePrefix + "_MODE=mock)");
        }
        return new ProviderSettings(name, mode, circuitBreaker(breakers, name, settings));
    }

    /**
     * One breaker per service, shared by every route that calls it. A rate limit (429) is ignored: it is no outage,
     * and must never send hybrid mode to the mock; every other failure inside the breaker counts.
     */
    private static CircuitBreaker circuitBreaker(CircuitBreakerRegistry breakers, String name, Settings settings) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.integer("docpipe.circuit.failure-rate-threshold-percent"))
                .slidingWindowSize(settings.integer("docpipe.circuit.sliding-window-calls"))
                .minimumNumberOfCalls(settings.integer("docpipe.circuit.minimum-calls"))
                .waitDurationInOpenState(Duration.ofSeconds(settings.number("docpipe.circuit.open-seconds")))
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .ignoreException(ProviderHttp::isRateLimit)
                .recordException(failure -> !ProviderHttp.isRateLimit(failure))
                .build();
        return breakers.circuitBreaker(name, config);
    }
}
