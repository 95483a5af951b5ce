package io.docpipe.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.testsupport.SearchCorpus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * POST /api/v1/search in mock mode over hundreds of documents: keyword, vector and hybrid search find a known passage,
 * filters hold, hits say where they come from, and bad requests are refused.
 */
class SearchApiTest {

    private static final String TOKEN = "search-test-token";
    private static final String PASSAGE = "The lighthouse keeper logged every passing schooner in a leather ledger,"
            + " noting wind, tide and the colour of each sail.";
    private static final String NEAR_DUPLICATE = "The lighthouse keeper logged every passing schooner in a leather"
            + " notebook, noting wind, tide and the colour of each flag.";

    private static RunningDocpipe app;
    private static String passageDocument;
    private static String otherDocument;

    @BeforeAll
    static void indexACorpus() {
        app = RunningDocpipe.start(Map.of("docpipe.api.token", TOKEN)).withApiToken(TOKEN);
        List<String> jobs = new ArrayList<>();
        List<byte[]> filler = SearchCorpus.documents(300, 120, 10);
        for (int i = 0; i < filler.size(); i++) {
            jobs.add(app.upload("filler-" + i + ".md", filler.get(i))
                    .json()
                    .path("job_id")
                    .asText());
            if (i == 150) {
                JsonNode passage = app.upload(
                                "harbour.md",
                                ("# Harbour records\n\n" + PASSAGE + "\n").getBytes(StandardCharsets.UTF_8),
                                "archive/harbour.md")
                        .json();
                passageDocument = passage.path("document_id").asText();
                jobs.add(passage.path("job_id").asText());
            }
        }
        otherDocument = app.upload(
                        "ships.md",
                        ("# Ships\n\nA schooner has two masts; the keeper of a lighthouse keeps" + " its lamp.\n")
                                .getBytes(StandardCharsets.UTF_8))
                .json()
                .path("document_id")
                .asText();
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    JsonNode answer = search("{\"query\":\"ledger\",\"mode\":\"keyword\"}");
                    return answer.path("pending_documents").asLong() == 0
                            && answer.path("index_lag").asLong() == 0;
                });
        for (String job : jobs) {
            assertThat(app.get("/api/v1/jobs/" + job).json().path("status").asText())
                    .isEqualTo("complete");
        }
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void should_find_the_passage_by_its_words() {
        JsonNode answer = search("{\"query\":\"leather ledger schooner\",\"mode\":\"keyword\",\"k\":5}");

        JsonNode first = answer.path("hits").get(0);
        assertThat(first.path("document_id").asText()).isEqualTo(passageDocument);
        assertThat(first.path("text").asText()).contains(PASSAGE);
        assertThat(first.path("filename").asText()).isEqualTo("harbour.md");
        assertThat(first.path("source_id").asText()).isEqualTo("archive/harbour.md");
        assertThat(first.path("ordinal").asInt()).isZero();
        assertThat(first.path("score").asDouble()).isPositive();
        assertThat(first.path("embedding").path("provider").asText()).isEqualTo("mock");
        assertThat(first.path("embedding").path("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(first.path("embedding").path("fallback").asBoolean()).isFalse();
        assertThat(answer.path("hits").size()).isBetween(2, 5);
        assertThat(answer.path("pending_documents").asLong()).isZero();
        assertThat(answer.path("index_lag").asLong()).isZero();
    }

    @Test
    void should_find_the_passage_by_hybrid_search_by_default() {
        JsonNode answer = search("{\"query\":\"which keeper wrote down the schooners in a ledger?\"}");

        assertThat(answer.path("hits").get(0).path("document_id").asText()).isEqualTo(passageDocument);
        assertThat(answer.path("hits").size()).isEqualTo(10);
    }

    @Test
    void should_rank_a_near_duplicate_passage_first_by_its_vector() {
        JsonNode answer = search("{\"query\":\"" + NEAR_DUPLICATE + "\",\"mode\":\"vector\",\"k\":3}");

        JsonNode hits = answer.path("hits");
        assertThat(hits.get(0).path("document_id").asText()).isEqualTo(passageDocument);
        assertThat(hits.get(0).path("score").asDouble())
                .isGreaterThan(0.5)
                .isGreaterThan(hits.get(1).path("score").asDouble() + 0.2);
    }

    @Test
    void should_search_only_the_documents_asked_for() {
        JsonNode onlyOther =
                search("{\"query\":\"leather ledger schooner keeper\",\"mode\":\"hybrid\",\"document_ids\":[\""
                        + otherDocument + "\"]}");
        JsonNode none = search("{\"query\":\"leather ledger\",\"document_ids\":[]}");

        assertThat(onlyOther.path("hits").findValuesAsText("document_id"))
                .isNotEmpty()
                .containsOnly(otherDocument);
        assertThat(none.path("hits").size()).isZero();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"query\":\"\"}",
                "{\"query\":\"   \"}",
                "{\"k\":3}",
                "{\"query\":\"a\",\"k\":0}",
                "{\"query\":\"a\",\"k\":101}",
                "{\"query\":\"a\",\"k\":2.5}",
                "{\"query\":\"a\",\"k\":\"3\"}",
                "{\"query\":\"a\",\"mode\":\"semantic\"}",
                "{\"query\":\"a\",\"document_ids\":[\"not-a-uuid\"]}",
                "{\"query\":\"a\",\"document_ids\":[\"1-2-3-4-5\"]}",
                "{\"query\":\"a\",\"document_ids\":\"x\"}",
                "[\"query\"]",
                "not json",
                ""
            })
    void should_refuse_bad_input_with_the_usual_error(String body) {
        RunningDocpipe.Response response = app.postJson("/api/v1/search", body);

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().path("error").path("code").asText()).isEqualTo("bad_request");
        assertThat(response.json().path("error").path("message").asText()).isNotBlank();
    }

    @Test
    void should_need_the_api_token() {
        RunningDocpipe.Response response =
                app.send(java.net.http.HttpRequest.newBuilder(app.baseUri().resolve("/api/v1/search"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"query\":\"ledger\"}")));

        assertThat(response.status()).isEqualTo(401);
    }

    private static JsonNode search(String json) {
        RunningDocpipe.Response response = app.postJson("/api/v1/search", json);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }
}
