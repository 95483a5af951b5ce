package io.docpipe.config;

import io.docpipe.provider.ProviderHttp;
import io.docpipe.provider.ProviderHttp.ErrorPolicy;
import io.docpipe.provider.RatePacer;
import io.docpipe.provider.ServiceFallback;
import io.docpipe.provider.ServiceMode;
import io.docpipe.provider.ServiceStats;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * One external service's mode and circuit breaker, read before anything else starts: real and hybrid need the
 * service's API key. The breaker is bound as {@code <name>CircuitBreaker}, shared by every route that calls it.
 * The pacing and breaker tunables are the same for every service (docpipe.pacing.*, docpipe.circuit.*), read here once.
 *
 * @param pacingHeadroomPercent share of each published rate limit kept unused
 * @param maxPacingWait how long a call waits for its turn in the rate limits at most
 * @param breakerOpen how long an open breaker stays open before it lets one call try
 */
record ProviderSettings(
        String name,
        ServiceMode mode,
        CircuitBreaker breaker,
        int pacingHeadroomPercent,
        Duration maxPacingWait,
        Duration breakerOpen) {

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
        return new ProviderSettings(
                name,
                mode,
                circuitBreaker(breakers, name, settings),
                settings.integer("docpipe.pacing.headroom-percent"),
                Duration.ofMillis(settings.number("docpipe.pacing.max-wait-ms")),
                Duration.ofSeconds(settings.number("docpipe.circuit.open-seconds")));
    }

    /** A pacer for one of the service's rate limits, keeping this service's headroom. */
    RatePacer pacer(String label, int requestsPerMinute, long tokensPerMinute) {
        return new RatePacer(label, requestsPerMinute, tokensPerMinute, pacingHeadroomPercent);
    }

    /** The service's HTTP edge: its API key (from the environment), breaker and pacers, one per rate limit. */
    ProviderHttp http(Foundation f, String service, ErrorPolicy errors, Map<String, RatePacer> lanes) {
        return new ProviderHttp(
                service,
                f.settings().string("docpipe." + name + ".api-key"),
                errors,
                f.redactor(),
                new ServiceStats(),
                f.meters(),
                breaker,
                lanes,
                maxPacingWait);
    }

    /** What a route does when the service did not answer; {@code inDoubtWait}: how long an upload in doubt waits. */
    ServiceFallback fallback(Foundation f, Duration inDoubtWait) {
        return new ServiceFallback(mode, f.stateMachine(), f.jdbc(), f.retries(), breakerOpen, inDoubtWait);
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
