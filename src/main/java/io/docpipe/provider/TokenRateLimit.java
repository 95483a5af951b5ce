package io.docpipe.provider;

import java.time.Duration;

import io.docpipe.embed.PendingBatch;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import org.apache.camel.Variable;

/**
 * Keeps embeddings requests under a tokens-per-minute budget (OpenAI limits tokens as well as requests). A request
 * waits up to {@code maxWait} for its tokens; past that it fails as transient, and its jobs wait in their queue.
 */
public class TokenRateLimit {

    private final RateLimiter limiter;
    private final int tokensPerMinute;

    public TokenRateLimit(int tokensPerMinute, Duration maxWait) {
        this.tokensPerMinute = tokensPerMinute;
        this.limiter = RateLimiter.of("openai-tokens-per-minute", RateLimiterConfig.custom()
                .limitForPeriod(tokensPerMinute)
                .limitRefreshPeriod(Duration.ofMinutes(1))
                .timeoutDuration(maxWait)
                .build());
    }

    /** Takes the batch's tokens from this minute's budget, waiting for the next minute if need be. */
    public void acquire(@Variable("batch") PendingBatch batch) {
        // a batch larger than a whole minute's budget takes the whole minute
        int tokens = Math.max(1, Math.min(batch.tokenCount(), tokensPerMinute));
        if (!limiter.acquirePermission(tokens)) {
            throw new TransientProviderException("the OpenAI budget of " + tokensPerMinute + " tokens per minute is spent",
                    Duration.ofMinutes(1));
        }
    }
}
