package io.docpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Backoff delays are computed, never slept: the jitter source is fixed to its extremes. */
class BackoffTest {

    private final Duration base = Duration.ofSeconds(1);
    private final Duration max = Duration.ofSeconds(60);

    @Test
    void should_double_per_attempt_between_half_and_all_of_the_step() {
        Backoff lowest = new Backoff(base, max, () -> 0.0);
        Backoff highest = new Backoff(base, max, () -> 0.999_999);

        assertThat(lowest.delay(1, null)).isEqualTo(Duration.ofMillis(500));
        assertThat(highest.delay(1, null)).isEqualTo(Duration.ofMillis(999));
        assertThat(lowest.delay(4, null)).isEqualTo(Duration.ofMillis(4000));
        assertThat(highest.delay(4, null)).isEqualTo(Duration.ofMillis(7999));
    }

    @Test
    void should_cap_the_delay() {
        Backoff highest = new Backoff(base, max, () -> 0.999_999);

        assertThat(highest.delay(30, null)).isLessThanOrEqualTo(max);
        assertThat(highest.delay(1_000, null)).isLessThanOrEqualTo(max);
    }

    @Test
    void should_never_wait_less_than_the_provider_asked() {
        Backoff lowest = new Backoff(base, max, () -> 0.0);

        assertThat(lowest.delay(1, Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(20));
        assertThat(lowest.delay(1, Duration.ofMillis(10))).isEqualTo(Duration.ofMillis(500));
    }
}
