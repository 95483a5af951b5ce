package io.docpipe.search;

import io.docpipe.chunk.TokenCounter;
import io.docpipe.cost.BudgetDecision;
import io.docpipe.cost.BudgetRefusal;
import io.docpipe.embed.EmbeddedBatch;
import io.docpipe.embed.MockEmbedder;
import io.docpipe.embed.MockEmbeddingService;
import io.docpipe.embed.PendingBatch;
import io.docpipe.embed.PendingBatch.PendingChunk;
import io.docpipe.http.ApiException;
import io.docpipe.provider.ProviderAnswer;
import io.docpipe.provider.ServiceMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of route embed-query: a search query is embedded in every vector space the embeddings mode searches.
 * The mock's vector (mock and hybrid mode) is made locally. OpenAI's (real and hybrid mode) goes the way chunks go,
 * through OpenAI's budget, request and token rates and circuit breaker, and is remembered for the most recent
 * queries. Without OpenAI's vector, real mode answers the search with an error saying why; hybrid mode searches with
 * the mock's vector alone.
 */
public class QueryEmbedder {

    private static final Logger LOG = LoggerFactory.getLogger(QueryEmbedder.class);

    /** Exchange variable: the query text. */
    public static final String QUERY = "searchQuery";
    /** Exchange variable: the {@link QueryVectors} made so far. */
    public static final String VECTORS = "queryVectors";

    private final ServiceMode mode;
    private final MockEmbedder mock;
    private final String model;
    private final TokenCounter tokens;
    private final int maxTokens;
    private final Duration maxPacingWait;
    private final Map<String, Map.Entry<VectorSpace, float[]>> recent;

    /**
     * @param mode          OPENAI_MODE
     * @param model         the embedding model (the mock's vectors carry its name too)
     * @param maxTokens     the longest input OpenAI embeds
     * @param maxPacingWait how long a query waits for its turn in OpenAI's rates at most
     * @param cacheEntries  OpenAI query vectors remembered (the most recently used)
     */
    public QueryEmbedder(
            ServiceMode mode,
            MockEmbedder mock,
            String model,
            TokenCounter tokens,
            int maxTokens,
            Duration maxPacingWait,
            int cacheEntries) {
        this.mode = mode;
        this.mock = mock;
        this.model = model;
        this.tokens = tokens;
        this.maxTokens = maxTokens;
        this.maxPacingWait = maxPacingWait;
        this.recent = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Map.Entry<VectorSpace, float[]>> eldest) {
                return size() > cacheEntries;
            }
        });
    }

    /** The vectors made without a call: the mock's, and OpenAI's when a recent query was the same. */
    public QueryVectors local(@Body String query) {
        QueryVectors vectors = QueryVectors.none();
        if (mode != ServiceMode.REAL) {
            float[] vector = mock.embed(query);
            vectors = vectors.with(new VectorSpace(MockEmbeddingService.PROVIDER, model, vector.length), vector);
        }
        if (!mode.usesRealService()) {
            return vectors;
        }
        Map.Entry<VectorSpace, float[]> remembered = recent.get(query);
        return remembered != null
                ? vectors.with(remembered.getKey(), remembered.getValue())
                : new QueryVectors(vectors.vectors(), true);
    }

    public boolean needsOpenAi(@Body QueryVectors vectors) {
        return vectors.openAiWanted();
    }

    /** The one-input embeddings request for the query; a query longer than OpenAI embeds is refused. */
    public PendingBatch batch(@Variable(QUERY) String query) {
        int count = tokens.count(query);
        if (count > maxTokens) {
            throw ApiException.badRequest(
                    "the query has " + count + " tokens; at most " + maxTokens + " can be embedded");
        }
        return new PendingBatch(List.of(new PendingChunk(0, null, query, count)), count);
    }

    public Duration maxPacingWait() {
        return maxPacingWait;
    }

    /** OpenAI's budget refused the query's request: an error in real mode; in hybrid mode the mock's vector alone. */
    public QueryVectors overBudget(@Variable(VECTORS) QueryVectors vectors, @Body BudgetDecision decision) {
        BudgetRefusal refusal = decision.refusal();
        if (mode == ServiceMode.REAL) {
            // a budget smaller than one query never opens: no Retry-After then
            Long seconds = refusal.neverFits()
                    ? null
                    : Math.max(
                            1,
                            Duration.between(Instant.now(), refusal.windowOpensAt())
                                    .toSeconds());
            throw new ApiException(
                    429, "budget_exhausted", "the query cannot be embedded: " + refusal.reason(), seconds);
        }
        LOG.info("search query embedded by the mock only: {}", refusal.reason());
        return vectors.asTheyAre();
    }

    /** OpenAI's answer: its vector is added (and remembered); anything else is an error in real mode. */
    public QueryVectors answered(
            @Body ProviderAnswer answer, @Variable(VECTORS) QueryVectors vectors, @Variable(QUERY) String query) {
        if (answer.is(ProviderAnswer.Kind.ANSWERED)) {
            EmbeddedBatch embedded = answer.valueAs(EmbeddedBatch.class);
            float[] vector = embedded.vectors().get(0);
            VectorSpace space = new VectorSpace(embedded.provider(), embedded.model(), vector.length);
            recent.put(query, Map.entry(space, vector));
            return vectors.with(space, vector);
        }
        if (mode == ServiceMode.HYBRID) {
            LOG.info("search query embedded by the mock only: {}", answer.failure());
            return vectors.asTheyAre();
        }
        throw switch (answer.kind()) {
            case RATE_LIMITED ->
                new ApiException(
                        429,
                        "embedding_rate_limited",
                        "the query cannot be embedded now: " + answer.failure(),
                        answer.retryAfter() == null
                                ? 1
                                : Math.max(1, answer.retryAfter().toSeconds()));
            case REJECTED ->
                new ApiException(502, "embedding_rejected", "OpenAI refused to embed the query: " + answer.failure());
            default ->
                new ApiException(
                        503,
                        "embedding_unavailable",
                        "the query cannot be embedded: " + answer.failure(),
                        answer.retryAfter() == null
                                ? null
                                : Math.max(1, answer.retryAfter().toSeconds()));
        };
    }
}
