package io.docpipe.provider;

import java.time.Duration;

/**
 * A provider call that failed in a way worth retrying later: a server error (5xx) or an unreadable answer. Recorded
 * by the circuit breaker. (Timeouts and connection failures arrive as the HTTP client's own exceptions; a 429 is a
 * {@link ProviderRateLimitedException}.)
 *
 * @see RetryAfter
 */
public class TransientProviderException extends RuntimeException {

    private final Duration retryAfter;
    private final int status;

    /** @param retryAfter what the provider asked us to wait, or null when it did not say */
    public TransientProviderException(String message, Duration retryAfter) {
        this(message, retryAfter, 0);
    }

    /** @param status the HTTP status the provider answered with (0: not known here) */
    public TransientProviderException(String message, Duration retryAfter, int status) {
        super(message);
        this.retryAfter = retryAfter;
        this.status = status;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** The HTTP status of the answer (0 when the failure was found while reading an answer without one at hand). */
    public int status() {
        return status;
    }
}
