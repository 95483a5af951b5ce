package io.docpipe.testsupport;

import java.time.Duration;

/**
 * A limit as OpenAI applies its requests and tokens per minute: a bucket of a minute's worth that refills
 * continuously. It reports what OpenAI's {@code x-ratelimit-*} headers say: the limit, what remains, and how long
 * until the bucket is full again.
 */
public final class TokenBucketLimit {

    private final long perMinute;
    private double level;
    private long countedAt = System.nanoTime();

    public TokenBucketLimit(long perMinute) {
        this.perMinute = perMinute;
        this.level = perMinute;
    }

    /** Takes {@code amount} if the bucket holds it; false (nothing taken) otherwise. */
    public synchronized boolean tryTake(long amount) {
        refill();
        if (level < amount) {
            return false;
        }
        level -= amount;
        return true;
    }

    public long limit() {
        return perMinute;
    }

    public synchronized long remaining() {
        refill();
        return (long) Math.floor(level);
    }

    /** Until the bucket is full again, as OpenAI's {@code x-ratelimit-reset-*} headers write it (e.g. 1.2s, 40ms). */
    public synchronized String reset() {
        refill();
        double millis = (perMinute - level) * 60_000.0 / perMinute;
        return millis >= 1000
                ? String.format(java.util.Locale.ROOT, "%.3fs", millis / 1000)
                : Math.round(millis) + "ms";
    }

    /** How long until {@code amount} would be there. */
    public synchronized Duration until(long amount) {
        refill();
        return level >= amount
                ? Duration.ZERO
                : Duration.ofMillis((long) Math.ceil((amount - level) * 60_000.0 / perMinute));
    }

    private void refill() {
        long now = System.nanoTime();
        level = Math.min(perMinute, level + (now - countedAt) * perMinute / 60e9);
        countedAt = now;
    }
}
