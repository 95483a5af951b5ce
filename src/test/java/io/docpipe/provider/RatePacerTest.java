package io.docpipe.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pacer's arithmetic on a clock the test moves: spacing, tokens, learned limits and 429 pauses. */
class RatePacerTest {

    private static final Duration NO_LIMIT = Duration.ofHours(1);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void should_space_requests_evenly_at_the_ceiling() {
        RatePacer pacer = new RatePacer("uploads", 60, 0, 0, now::get);

        assertThat(pacer.reserve(0, NO_LIMIT).delay()).isZero();
        assertThat(pacer.reserve(0, NO_LIMIT).delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(pacer.reserve(0, NO_LIMIT).delay()).isEqualTo(Duration.ofSeconds(2));
        advance(Duration.ofSeconds(10));
        // time that passed unused is not saved up for a burst
        assertThat(pacer.reserve(0, NO_LIMIT).delay()).isZero();
        assertThat(pacer.reserve(0, NO_LIMIT).delay()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void should_keep_the_headroom_below_the_limit() {
        RatePacer pacer = new RatePacer("reads", 600, 0, 2, now::get);
        assertThat(pacer.requestsPerMinute()).isEqualTo(588.0);
        pacer.reserve(0, NO_LIMIT);
        assertThat(pacer.reserve(0, NO_LIMIT).delay().toNanos()).isEqualTo((long) (60e9 / 588));
    }

    @Test
    void should_refuse_a_turn_further_away_than_the_caller_waits_and_reserve_nothing() {
        RatePacer pacer = new RatePacer("uploads", 60, 0, 0, now::get);
        pacer.reserve(0, NO_LIMIT);
        pacer.reserve(0, NO_LIMIT);

        RatePacer.Turn refused = pacer.reserve(0, Duration.ofMillis(1500));
        assertThat(refused.granted()).isFalse();
        assertThat(refused.delay()).isEqualTo(Duration.ofSeconds(2));
        // the refused turn is still free for the next caller willing to wait
        assertThat(pacer.reserve(0, NO_LIMIT).delay()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void should_wait_for_tokens_at_the_tokens_per_minute_rate() {
        RatePacer pacer = new RatePacer("embeddings", 10_000, 60_000, 0, now::get);

        assertThat(pacer.reserve(50_000, NO_LIMIT).delay()).isZero();
        // 10,000 left; 30,000 more come in 20 s at 1,000 a second
        assertThat(pacer.reserve(30_000, NO_LIMIT).delay()).isEqualTo(Duration.ofSeconds(20));
        // a request larger than a minute's tokens takes a whole minute's worth
        assertThat(pacer.reserve(500_000, NO_LIMIT).delay()).isEqualTo(Duration.ofSeconds(80));
    }

    @Test
    void should_learn_the_announced_limit_and_the_tokens_left() {
        RatePacer pacer = new RatePacer("embeddings", 3000, 1_000_000, 0, now::get);
        pacer.learn(headers(Map.of(
                "x-ratelimit-limit-requests",
                "60",
                "x-ratelimit-remaining-requests",
                "59",
                "x-ratelimit-reset-requests",
                "1s",
                "x-ratelimit-limit-tokens",
                "150000",
                "x-ratelimit-remaining-tokens",
                "1500",
                "x-ratelimit-reset-tokens",
                "0.6s")));

        assertThat(pacer.requestsPerMinute()).isEqualTo(60.0);
        assertThat(pacer.reserve(1500, NO_LIMIT).delay()).isZero();
        // the provider said 1,500 tokens remained: 2,500 more come at 150,000 a minute, in 1 s
        assertThat(pacer.reserve(2500, NO_LIMIT).delay()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void should_pause_when_the_provider_says_no_request_is_left() {
        RatePacer pacer = new RatePacer("embeddings", 3000, 0, 0, now::get);
        pacer.learn(headers(Map.of(
                "x-ratelimit-limit-requests",
                "60",
                "x-ratelimit-remaining-requests",
                "0",
                "x-ratelimit-reset-requests",
                "30s")));

        // 60 spent, the whole bucket back in 30 s: one request back in half a second
        assertThat(pacer.reserve(0, NO_LIMIT).delay()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void should_pause_for_a_rate_limit_as_long_as_asked_or_doubling_without_a_hint() {
        RatePacer pacer = new RatePacer("uploads", 6000, 0, 0, now::get);

        assertThat(pacer.rateLimited(Duration.ofMillis(2500))).isEqualTo(Duration.ofMillis(2500));
        assertThat(pacer.pausedFor()).isEqualTo(Duration.ofMillis(2500));
        assertThat(pacer.reserve(0, NO_LIMIT).delay()).isEqualTo(Duration.ofMillis(2500));
        advance(Duration.ofSeconds(3));
        assertThat(pacer.rateLimited(null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(pacer.rateLimited(null)).isEqualTo(Duration.ofSeconds(4));
        pacer.answered();
        assertThat(pacer.rateLimited(null)).isEqualTo(Duration.ofSeconds(1));
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    private static java.util.function.Function<String, String> headers(Map<String, String> values) {
        return values::get;
    }
}
