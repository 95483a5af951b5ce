package io.docpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Next attempts are computed from a fixed clock and fixed jitter: no test sleeps. */
class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private final RetryPolicy policy = new RetryPolicy(
            4, new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60), () -> 0.5), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void should_wait_longer_after_each_failed_attempt() {
        // attempt n waits 3/4 of 2 s x 2^(n-1) with the jitter at its middle
        assertThat(policy.nextAttempt(1, null)).hasValueSatisfying(next -> {
            assertThat(next.delay()).isEqualTo(Duration.ofMillis(1500));
            assertThat(next.at()).isEqualTo(NOW.plusMillis(1500));
        });
        assertThat(policy.nextAttempt(2, null).orElseThrow().delay()).isEqualTo(Duration.ofMillis(3000));
        assertThat(policy.nextAttempt(3, null).orElseThrow().delay()).isEqualTo(Duration.ofMillis(6000));
    }

    @Test
    void should_honour_a_longer_retry_after() {
        assertThat(policy.nextAttempt(1, Duration.ofSeconds(30)).orElseThrow().at())
                .isEqualTo(NOW.plusSeconds(30));
    }

    @Test
    void should_give_up_after_the_last_attempt() {
        assertThat(policy.nextAttempt(4, null)).isEmpty();
        assertThat(policy.nextAttempt(9, null)).isEmpty();
    }
}
