package io.docpipe.job;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: attempt n waits a random time between half and all of
 * {@code base × 2^(n-1)}, capped at {@code max}, and never less than what the provider asked for.
 */
public class Backoff {

    private final Duration base;
    private final Duration max;
    private final DoubleSupplier random;

    public Backoff(Duration base, Duration max) {
        this(base, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random values in [0, 1), injectable so tests can compute exact delays */
    public Backoff(Duration base, Duration max, DoubleSupplier random) {
        this.base = base;
        this.max = max;
        this.random = random;
    }

    /**
     * @param attempt    1 for the first retry
     * @param retryAfter the provider's hint, or null
     */
    public Duration delay(int attempt, Duration retryAfter) {
        double exponential = base.toMillis() * Math.pow(2, Math.max(0, Math.min(attempt - 1, 30)));
        double ceiling = Math.min(exponential, max.toMillis());
        Duration jittered = Duration.ofMillis((long) (ceiling / 2 + random.getAsDouble() * ceiling / 2));
        return retryAfter != null && retryAfter.compareTo(jittered) > 0 ? retryAfter : jittered;
    }
}
