package io.docpipe.provider;

import java.time.Duration;

/**
 * A provider said 429 (too many requests, not out of quota). It is thrown inside the circuit breaker only so the
 * call ends there; the breakers ignore it (a rate limit is not an outage), and the request's answer says
 * {@link ProviderAnswer.Kind#RATE_LIMITED}.
 */
public class ProviderRateLimitedException extends RuntimeException {

    private final Duration pause;

    public ProviderRateLimitedException(String message, Duration pause) {
        super(message, null, false, false);
        this.pause = pause;
    }

    public Duration pause() {
        return pause;
    }
}
