package io.docpipe.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    @Test
    void should_prefer_retry_after_ms_then_retry_after() {
        assertThat(RetryAfter.from(Map.of("retry-after-ms", "250", "retry-after", "3")))
                .isEqualTo(Duration.ofMillis(250));
        assertThat(RetryAfter.from(Map.of("Retry-After", "3"))).isEqualTo(Duration.ofSeconds(3));
        assertThat(RetryAfter.from(Map.of("retry-after", "1.5"))).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void should_read_openai_reset_headers_as_go_durations_taking_the_longer() {
        assertThat(RetryAfter.from(Map.of("x-ratelimit-reset-requests", "1s", "x-ratelimit-reset-tokens", "6m0s")))
                .isEqualTo(Duration.ofMinutes(6));
        assertThat(RetryAfter.from(Map.of("x-ratelimit-reset-tokens", "12ms"))).isEqualTo(Duration.ofMillis(12));
        assertThat(RetryAfter.goDuration("1m30.5s")).isEqualTo(Duration.ofMillis(90_500));
    }

    @Test
    void should_treat_missing_or_unreadable_hints_as_none() {
        assertThat(RetryAfter.from(Map.of())).isNull();
        assertThat(RetryAfter.from(Map.of("retry-after", "soon"))).isNull();
        assertThat(RetryAfter.from(Map.of("x-ratelimit-reset-requests", "1 fortnight")))
                .isNull();
    }

    @Test
    void should_read_an_http_date() {
        assertThat(RetryAfter.from(Map.of("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")))
                .isEqualTo(Duration.ZERO);
    }
}
