package io.docpipe.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a job that failed for a transient reason is tried again: after an exponential backoff with jitter
 * ({@link Backoff}), never sooner than the provider asked, and not at all once it has used its attempts.
 */
public class RetryPolicy {

    private final int maxAttempts;
    private final Backoff backoff;
    private final Clock clock;

    public RetryPolicy(int maxAttempts, Backoff backoff, Clock clock) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("docpipe.retry.max-attempts must be at least 1");
        }
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** The next attempt of a job: after {@code delay}, at {@code at}. */
    public record NextAttempt(Duration delay, Instant at) {}

    /**
     * @param attempts   failed attempts so far, the one that just failed included
     * @param retryAfter the provider's hint, or null
     * @return the next attempt, or empty when this was the last one (the job is dead)
     */
    public Optional<NextAttempt> nextAttempt(int attempts, Duration retryAfter) {
        if (attempts >= maxAttempts) {
            return Optional.empty();
        }
        Duration delay = backoff.delay(attempts, retryAfter);
        return Optional.of(new NextAttempt(delay, clock.instant().plus(delay)));
    }

    public int maxAttempts() {
        return maxAttempts;
    }
}
