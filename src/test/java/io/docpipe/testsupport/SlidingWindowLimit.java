package io.docpipe.testsupport;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A provider's request limit as LlamaCloud documents its own ("50 requests per 10 s window"): a request passes when
 * fewer than {@code limit} passed in the window before it. A refused request says how long until one would pass.
 */
public final class SlidingWindowLimit {

    private final int limit;
    private final long windowNanos;
    private final Deque<Long> passed = new ArrayDeque<>();

    public SlidingWindowLimit(int limit, Duration window) {
        this.limit = limit;
        this.windowNanos = window.toNanos();
    }

    /** From a per-minute figure, in windows of {@code window}: 300 a minute is 50 per 10 s. */
    public static SlidingWindowLimit perMinute(int perMinute, Duration window) {
        return new SlidingWindowLimit(
                (int) Math.max(
                        1, perMinute * window.toNanos() / Duration.ofMinutes(1).toNanos()),
                window);
    }

    /** @return null when the request passes, else how long until one would */
    public synchronized Duration tryPass() {
        long now = System.nanoTime();
        while (!passed.isEmpty() && passed.peekFirst() <= now - windowNanos) {
            passed.pollFirst();
        }
        if (passed.size() < limit) {
            passed.addLast(now);
            return null;
        }
        return Duration.ofNanos(passed.peekFirst() + windowNanos - now);
    }
}
