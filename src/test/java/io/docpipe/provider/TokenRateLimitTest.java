package io.docpipe.provider;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import io.docpipe.embed.PendingBatch;
import io.docpipe.embed.PendingBatch.PendingChunk;
import org.junit.jupiter.api.Test;

class TokenRateLimitTest {

    @Test
    void should_let_requests_through_until_the_minute_budget_is_spent() {
        TokenRateLimit limit = new TokenRateLimit(100, Duration.ZERO);

        assertThatCode(() -> limit.acquire(batchOf(60))).doesNotThrowAnyException();
        assertThatCode(() -> limit.acquire(batchOf(40))).doesNotThrowAnyException();
        assertThatThrownBy(() -> limit.acquire(batchOf(1)))
                .isInstanceOf(TransientProviderException.class).hasMessageContaining("100 tokens per minute");
    }

    @Test
    void should_let_a_batch_bigger_than_the_budget_take_the_whole_minute() {
        TokenRateLimit limit = new TokenRateLimit(100, Duration.ZERO);

        assertThatCode(() -> limit.acquire(batchOf(5000))).doesNotThrowAnyException();
        assertThatThrownBy(() -> limit.acquire(batchOf(1))).isInstanceOf(TransientProviderException.class);
    }

    private static PendingBatch batchOf(int tokens) {
        return new PendingBatch(List.of(new PendingChunk(1, null, "text", tokens)), tokens);
    }
}
