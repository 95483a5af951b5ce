package io.docpipe.config;

import io.docpipe.api.HealthApi.ServiceHealth;
import io.docpipe.embed.EmbedStage;
import io.docpipe.embed.EmbeddingBatcher;
import io.docpipe.embed.MockEmbedder;
import io.docpipe.embed.MockEmbeddingService;
import io.docpipe.embed.OpenAiBudget;
import io.docpipe.embed.OpenAiEmbeddingsApi;
import io.docpipe.embed.ReembedService;
import io.docpipe.provider.ProviderHttp;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/**
 * The embed stage: request-sized batches, the local mock embedder, and OpenAI (budget gate, paced HTTP edge,
 * fallback) with the re-embedding of the mock's fallback vectors.
 */
final class EmbedWiring {

    /** What search needs of the embed stage, and OpenAI's state for the health API. */
    record Embedding(MockEmbedder mockEmbedder, ServiceHealth health) {}

    private EmbedWiring() {}

    static Embedding bind(Foundation f, ProviderSettings openAi, CostWiring.Costs costs) {
        Settings settings = f.settings();
        OpenAiBudget gate = new OpenAiBudget(
                costs.openAi(),
                costs.ledger(),
                new BigDecimal(settings.string("docpipe.openai.usd-per-million-tokens")));
        f.registry().bind("openAiBudget", gate);
        f.registry().bind("openaiCircuitBreaker", openAi.breaker());

        int maxTokensPerInput = settings.integer("docpipe.embedding.max-tokens-per-input");
        EmbeddingBatcher batcher = new EmbeddingBatcher(
                f.tokenCounter(),
                settings.integer("docpipe.embedding.max-inputs-per-request"),
                // a request must fit a whole day's budget, or it would wait for a window that never opens
                Math.max(
                        maxTokensPerInput,
                        gate.tokensWithin(settings.integer("docpipe.embedding.max-tokens-per-request"))),
                maxTokensPerInput);
        f.registry()
                .bind(
                        "embedStage",
                        new EmbedStage(
                                f.stateMachine(),
                                f.embeddings(),
                                batcher,
                                f.tx(),
                                gate,
                                f.claimedJobs(),
                                f.versions(),
                                settings.integer("docpipe.embed.plan-window-chunks")));
        MockEmbedder mockEmbedder = new MockEmbedder(settings.integer("docpipe.embedding.dimensions"));
        f.registry()
                .bind(
                        "mockEmbeddingService",
                        new MockEmbeddingService(mockEmbedder, settings.string("docpipe.embedding.model")));
        ProviderHttp http = openAi.http(
                f,
                "OpenAI",
                OpenAiEmbeddingsApi.errorPolicy(),
                Map.of(
                        OpenAiEmbeddingsApi.EMBEDDINGS,
                        openAi.pacer(
                                "OpenAI embeddings",
                                settings.integer("docpipe.openai.requests-per-minute"),
                                settings.number("docpipe.openai.tokens-per-minute"))));
        f.registry().bind("openAiHttp", http);
        f.registry()
                .bind(
                        "openAiEmbeddingsApi",
                        new OpenAiEmbeddingsApi(
                                settings.string("docpipe.embedding.model"),
                                settings.integer("docpipe.embedding.dimensions")));
        f.registry().bind("openAiFallback", openAi.fallback(f, Duration.ZERO));
        f.registry()
                .bind(
                        "reembedService",
                        new ReembedService(
                                f.embeddings(),
                                batcher,
                                openAi.mode(),
                                openAi.breaker(),
                                settings.integer("docpipe.openai.reembed-chunks-per-run"),
                                f.tx(),
                                f.searchChanges()));
        return new Embedding(mockEmbedder, new ServiceHealth(openAi.mode(), openAi.breaker(), http.stats()));
    }
}
