package io.docpipe.real;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Search with OpenAI's embeddings against the stand-in: the query is embedded like a chunk (request, ledger, cache);
 * a query the budget refuses is a clear error in real mode and the mock's in hybrid mode; vectors of one space are
 * never compared with another's, and fallback vectors are searched in hybrid mode only.
 */
class RealModeSearchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static ProviderStandIns providers;

    @BeforeAll
    static void start() {
        providers = ProviderStandIns.start();
    }

    @AfterAll
    static void stop() {
        providers.close();
    }

    @BeforeEach
    void reset() {
        providers.reset();
    }

    @Test
    void should_embed_the_query_through_openai_charge_the_ledger_and_remember_the_vector() throws Exception {
        try (RunningDocpipe app = RunningDocpipe.start(providers.properties("mock", "real"))) {
            JsonNode receipt = upload(app, "tides.md", "Tide tables for the northern harbour, printed each spring.");
            awaitSearchable(app, receipt, "tide");
            JsonNode before = openAiUsage(app);
            int requestsBefore = embeddingRequests().size();

            JsonNode answer = search(app, "{\"query\":\"harbour tide tables\",\"mode\":\"vector\"}");

            JsonNode hit = answer.path("hits").get(0);
            assertThat(hit.path("document_id").asText())
                    .isEqualTo(receipt.path("document_id").asText());
            assertThat(hit.path("embedding").path("provider").asText()).isEqualTo("openai");
            assertThat(hit.path("embedding").path("fallback").asBoolean()).isFalse();
            List<LoggedRequest> requests = embeddingRequests();
            assertThat(requests).hasSize(requestsBefore + 1);
            JsonNode sent = JSON.readTree(requests.get(requests.size() - 1).getBodyAsString());
            assertThat(sent.path("input").toString()).isEqualTo("[\"harbour tide tables\"]");
            assertThat(requests.get(requests.size() - 1).getHeader("Authorization"))
                    .isEqualTo("Bearer " + ProviderStandIns.OPENAI_KEY);
            JsonNode after = openAiUsage(app);
            assertThat(after.path("requests").asLong())
                    .isEqualTo(before.path("requests").asLong() + 1);
            assertThat(after.path("tokens").asLong())
                    .isGreaterThan(before.path("tokens").asLong());
            assertThat(after.path("cost_usd").decimalValue())
                    .isGreaterThan(before.path("cost_usd").decimalValue());

            // the same query again: the remembered vector, no request, no charge
            assertThat(search(app, "{\"query\":\"harbour tide tables\",\"mode\":\"hybrid\"}")
                            .path("hits")
                            .get(0)
                            .path("document_id")
                            .asText())
                    .isEqualTo(receipt.path("document_id").asText());
            assertThat(embeddingRequests()).hasSize(requestsBefore + 1);
            assertThat(openAiUsage(app).path("requests").asLong())
                    .isEqualTo(after.path("requests").asLong());
            // keyword search never embeds
            search(app, "{\"query\":\"printed spring\",\"mode\":\"keyword\"}");
            assertThat(embeddingRequests()).hasSize(requestsBefore + 1);
        }
    }

    @Test
    void should_search_fallback_vectors_in_hybrid_mode_only_and_refuse_a_query_over_budget_in_real_mode() {
        String database = TestPostgres.newDatabase();
        JsonNode receipt;
        Map<String, String> hybridOverBudget = new HashMap<>(providers.properties("mock", "hybrid"));
        hybridOverBudget.put("docpipe.openai.daily-budget-usd", "0");
        try (RunningDocpipe hybrid = RunningDocpipe.start(database, hybridOverBudget)) {
            receipt = upload(hybrid, "otters.md", "Sea otters hold hands while they sleep on the kelp.");
            awaitSearchable(hybrid, receipt, "otters");

            JsonNode answer = search(hybrid, "{\"query\":\"otters sleeping on kelp\",\"mode\":\"vector\"}");

            JsonNode hit = answer.path("hits").get(0);
            assertThat(hit.path("document_id").asText())
                    .isEqualTo(receipt.path("document_id").asText());
            assertThat(hit.path("embedding").path("provider").asText()).isEqualTo("mock");
            assertThat(hit.path("embedding").path("fallback").asBoolean()).isTrue();
        }
        assertThat(embeddingRequests()).isEmpty();

        Map<String, String> realOverBudget = new HashMap<>(providers.properties("mock", "real"));
        realOverBudget.put("docpipe.openai.daily-budget-usd", "0");
        try (RunningDocpipe real = RunningDocpipe.start(database, realOverBudget)) {
            awaitIndexed(real);
            RunningDocpipe.Response refused =
                    real.postJson("/api/v1/search", "{\"query\":\"otters\",\"mode\":\"hybrid\"}");

            assertThat(refused.status()).as(refused.body()).isEqualTo(429);
            assertThat(refused.json().path("error").path("code").asText()).isEqualTo("budget_exhausted");
            assertThat(refused.json().path("error").path("message").asText()).contains("budget");
            assertThat(search(real, "{\"query\":\"otters\",\"mode\":\"keyword\"}")
                            .path("hits")
                            .size())
                    .isEqualTo(1);
        }

        try (RunningDocpipe real = RunningDocpipe.start(database, providers.properties("mock", "real"))) {
            awaitIndexed(real);
            // OpenAI's query vector is never compared with the mock's fallback vectors
            assertThat(search(real, "{\"query\":\"otters sleeping on kelp\",\"mode\":\"vector\"}")
                            .path("hits")
                            .size())
                    .isZero();
            JsonNode byWords = search(real, "{\"query\":\"otters sleeping on kelp\",\"mode\":\"hybrid\"}")
                    .path("hits");
            assertThat(byWords.size()).isEqualTo(1);
            assertThat(byWords.get(0).path("embedding").path("fallback").asBoolean())
                    .isTrue();
        }
    }

    private static JsonNode upload(RunningDocpipe app, String name, String text) {
        RunningDocpipe.Response response = app.upload(name, text.getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.json();
    }

    private static void awaitSearchable(RunningDocpipe app, JsonNode receipt, String word) {
        app.awaitJobStatus(receipt.path("job_id").asText(), "complete", Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> search(app, "{\"query\":\"" + word + "\",\"mode\":\"keyword\"}")
                        .path("hits")
                        .findValuesAsText("document_id")
                        .contains(receipt.path("document_id").asText()));
    }

    private static void awaitIndexed(RunningDocpipe app) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode answer = search(app, "{\"query\":\"otters\",\"mode\":\"keyword\"}");
            return answer.path("index_lag").asLong() == 0 && answer.path("hits").size() > 0;
        });
    }

    private static JsonNode search(RunningDocpipe app, String json) {
        RunningDocpipe.Response response = app.postJson("/api/v1/search", json);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static JsonNode openAiUsage(RunningDocpipe app) {
        return app.get("/api/v1/costs").json().path("services").path("openai");
    }

    private static List<LoggedRequest> embeddingRequests() {
        return providers.server().findAll(postRequestedFor(urlPathEqualTo("/v1/embeddings")));
    }
}
