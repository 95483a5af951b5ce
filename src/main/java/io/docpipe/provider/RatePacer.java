package io.docpipe.provider;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Paces the requests of one endpoint class of a provider (LlamaParse uploads, LlamaParse reads, OpenAI embeddings)
 * in this instance, so that a sustained backlog runs close to the provider's limit without hitting it.
 *
 * <ul>
 * <li>Requests are spaced evenly at the lower of the configured ceiling and the limit the provider announces
 * ({@code x-ratelimit-limit-requests}), less a small headroom: providers enforce per-minute limits in short slices,
 * so a burst at the start of a minute is refused even when the minute's total would pass.</li>
 * <li>Tokens (OpenAI) come from a bucket that refills at the tokens-per-minute rate and is never fuller than what
 * the provider says remains ({@code x-ratelimit-remaining-tokens}): other clients of the same key spend it too.</li>
 * <li>A 429, or a provider saying nothing remains, pauses the endpoint class until the time it names.</li>
 * </ul>
 *
 * Each caller reserves its own send time under a lock and then sleeps outside it, so waiting workers queue up in
 * order instead of racing. A wait longer than the caller accepts reserves nothing and says when to come back.
 */
public class RatePacer {

    /** What {@link #reserve} decided: send after {@code delay}, or (refused) come back after {@code delay}. */
    public record Turn(Duration delay, boolean granted) {}

    private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofMinutes(1);

    private final String name;
    private final int requestsPerMinuteCeiling;
    private final long tokensPerMinuteCeiling;
    private final double headroom;
    private final LongSupplier clock;

    private int announcedRequestsPerMinute = Integer.MAX_VALUE;
    private long announcedTokensPerMinute = Long.MAX_VALUE;
    private long nextSendAt;
    private long pausedUntil;
    private double tokens;
    private long tokensCountedAt;
    private int consecutiveRateLimits;

    /**
     * @param requestsPerMinute the configured ceiling of requests per minute
     * @param tokensPerMinute   the configured ceiling of tokens per minute; 0 when requests carry no tokens
     * @param headroomPercent   how far below the limit to stay (providers count in short slices)
     */
    public RatePacer(String name, int requestsPerMinute, long tokensPerMinute, int headroomPercent) {
        this(name, requestsPerMinute, tokensPerMinute, headroomPercent, System::nanoTime);
    }

    RatePacer(String name, int requestsPerMinute, long tokensPerMinute, int headroomPercent, LongSupplier nanoClock) {
        if (requestsPerMinute < 1) {
            throw new IllegalArgumentException(
                    name + ": requests per minute must be at least 1, was " + requestsPerMinute);
        }
        this.name = name;
        this.requestsPerMinuteCeiling = requestsPerMinute;
        this.tokensPerMinuteCeiling = Math.max(0, tokensPerMinute);
        this.headroom = 1 - Math.max(0, Math.min(50, headroomPercent)) / 100.0;
        this.clock = nanoClock;
        long now = nanoClock.getAsLong();
        this.nextSendAt = now;
        this.pausedUntil = now;
        this.tokens = tokensPerMinuteCeiling;
        this.tokensCountedAt = now;
    }

    public String name() {
        return name;
    }

    /**
     * Reserves the next send time for a request of {@code requestTokens} tokens, unless it is further away than
     * {@code maxWait}: then nothing is reserved and {@link Turn#delay()} says when to come back.
     */
    public synchronized Turn reserve(int requestTokens, Duration maxWait) {
        long now = clock.getAsLong();
        long sendAt = Math.max(now, Math.max(nextSendAt, pausedUntil));
        double tokensAtSend = 0;
        long need = 0;
        if (tokensPerMinuteCeiling > 0) {
            // a request larger than a minute's tokens takes a whole minute's worth
            need = Math.min(Math.max(1, requestTokens), tokensPerMinute());
            tokensAtSend = tokensAt(sendAt);
            if (tokensAtSend < need) {
                sendAt += (long) Math.ceil((need - tokensAtSend) / tokensPerNano());
                tokensAtSend = need;
            }
        }
        long wait = sendAt - now;
        if (wait > maxWait.toNanos()) {
            return new Turn(Duration.ofNanos(wait), false);
        }
        nextSendAt = sendAt + spacingNanos();
        if (tokensPerMinuteCeiling > 0) {
            tokens = tokensAtSend - need;
            tokensCountedAt = sendAt;
        }
        return new Turn(Duration.ofNanos(wait), true);
    }

    /** Reserves a turn and sleeps until it; see {@link #reserve}. */
    public Turn awaitTurn(int requestTokens, Duration maxWait) throws InterruptedException {
        Turn turn = reserve(requestTokens, maxWait);
        if (turn.granted() && !turn.delay().isZero()) {
            Thread.sleep(turn.delay().toMillis(), turn.delay().toNanosPart() % 1_000_000);
        }
        return turn;
    }

    /**
     * Learns from an answer's rate-limit headers ({@code x-ratelimit-limit-*}, {@code -remaining-*},
     * {@code -reset-*} for requests and tokens); answers without them change nothing.
     *
     * @param header looks a header up by lower-case name; null when absent
     */
    public synchronized void learn(Function<String, String> header) {
        long now = clock.getAsLong();
        Long requestLimit = number(header.apply("x-ratelimit-limit-requests"));
        Long requestsLeft = number(header.apply("x-ratelimit-remaining-requests"));
        Duration requestsReset = duration(header.apply("x-ratelimit-reset-requests"));
        if (requestLimit != null && requestLimit > 0) {
            announcedRequestsPerMinute = (int) Math.min(Integer.MAX_VALUE, requestLimit);
        }
        if (requestsLeft != null && requestsLeft <= 0 && requestsReset != null) {
            // the bucket is empty: one request comes back after the reset time shared among the spent ones
            long spent = Math.max(1, (requestLimit == null ? 1 : requestLimit) - requestsLeft);
            pausedUntil = Math.max(pausedUntil, now + requestsReset.toNanos() / spent);
        }
        Long tokenLimit = number(header.apply("x-ratelimit-limit-tokens"));
        Long tokensLeft = number(header.apply("x-ratelimit-remaining-tokens"));
        if (tokenLimit != null && tokenLimit > 0) {
            announcedTokensPerMinute = tokenLimit;
        }
        if (tokensPerMinuteCeiling > 0 && tokensLeft != null) {
            tokens = Math.min(tokensAt(now), Math.max(0, tokensLeft));
            tokensCountedAt = now;
        }
        if (requestLimit != null || tokenLimit != null) {
            consecutiveRateLimits = 0;
        }
    }

    /** An answer that was not a 429: the next 429 starts its pause afresh. */
    public synchronized void answered() {
        consecutiveRateLimits = 0;
    }

    /**
     * The provider refused a request for its rate: nothing is sent until {@code retryAfter} has passed, or, without
     * a hint, for a pause that doubles with each refusal in a row (1 s up to 1 min).
     *
     * @return how long sending pauses
     */
    public synchronized Duration rateLimited(Duration retryAfter) {
        long now = clock.getAsLong();
        Duration pause = retryAfter;
        if (pause == null || pause.isZero() || pause.isNegative()) {
            pause = FIRST_PAUSE.multipliedBy(1L << Math.min(consecutiveRateLimits, 6));
            if (pause.compareTo(LONGEST_PAUSE) > 0) {
                pause = LONGEST_PAUSE;
            }
        }
        consecutiveRateLimits++;
        pausedUntil = Math.max(pausedUntil, now + pause.toNanos());
        return pause;
    }

    /** How long sending stays paused by a rate limit (zero when it is not paused). */
    public synchronized Duration pausedFor() {
        return Duration.ofNanos(Math.max(0, pausedUntil - clock.getAsLong()));
    }

    /** The requests per minute this pacer lets through now (the ceiling or the announced limit, less headroom). */
    public synchronized double requestsPerMinute() {
        return Math.min(requestsPerMinuteCeiling, announcedRequestsPerMinute) * headroom;
    }

    private long spacingNanos() {
        return (long) (MINUTE_NANOS / requestsPerMinute());
    }

    private long tokensPerMinute() {
        return (long) (Math.min(tokensPerMinuteCeiling, announcedTokensPerMinute) * headroom);
    }

    private double tokensPerNano() {
        return (double) tokensPerMinute() / MINUTE_NANOS;
    }

    private double tokensAt(long at) {
        long elapsed = Math.max(0, at - tokensCountedAt);
        return Math.min(tokensPerMinute(), tokens + elapsed * tokensPerNano());
    }

    private static Long number(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null; // an unreadable header teaches nothing
        }
    }

    private static Duration duration(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return RetryAfter.goDuration(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
