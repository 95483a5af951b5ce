package io.docpipe.provider;

import java.time.Duration;

/**
 * A provider call that failed in a way worth retrying later: rate limited (429), server error (5xx), timeout,
 * connection reset or an unreadable answer. Recorded by the circuit breaker.
 *
 * @see RetryAfter
 */
public class TransientProviderException extends RuntimeException {

    private final Duration retryAfter;

    /** @param retryAfter what the provider asked us to wait, or null when it did not say */
    public TransientProviderException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
