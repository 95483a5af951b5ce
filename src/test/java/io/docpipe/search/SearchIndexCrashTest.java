package io.docpipe.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.docpipe.testsupport.DocpipeProcess;
import io.docpipe.testsupport.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Applied batches are searchable at once but durable only at the next commit: an instance killed with SIGKILL in
 * between loses nothing, because the next start applies them again from PostgreSQL, and until it has, its search
 * answers report the lag.
 */
class SearchIndexCrashTest {

    private static final int DOCUMENTS = 12;
    private static final String ALL_MARKERS =
            IntStream.range(0, DOCUMENTS).mapToObj(SearchIndexCrashTest::marker).collect(Collectors.joining(" "));

    @Test
    void should_find_every_completed_document_after_a_kill_9_between_publishing_and_committing() throws Exception {
        String database = TestPostgres.newDatabase();
        // no commit but the first build's while the test runs
        Map<String, String> properties = Map.of(
                "docpipe.data-dir",
                Files.createTempDirectory("docpipe-index-crash-").toString(),
                "docpipe.search.commit-interval-ms",
                "3600000");

        DocpipeProcess first = DocpipeProcess.start(database, properties);
        // the empty index is built and committed before the documents come
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> search(first).path("index_lag").asLong(-1) == 0);
        for (int i = 0; i < DOCUMENTS; i++) {
            upload(first.baseUri(), i);
        }
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> upToDate(search(first)) && found(search(first)).size() == DOCUMENTS);
        first.kill();

        try (DocpipeProcess second = DocpipeProcess.start(database, properties)) {
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        JsonNode answer = search(second);
                        if (!upToDate(answer)) {
                            return false;
                        }
                        // an answer without lag finds every document
                        assertThat(found(answer)).as("log: %s", second.log()).hasSize(DOCUMENTS);
                        return true;
                    });
        }
    }

    private static String marker(int document) {
        return "crashmarker" + (char) ('a' + document);
    }

    private static boolean upToDate(JsonNode answer) {
        return answer.path("pending_documents").asLong(-1) == 0
                && answer.path("index_lag").asLong(-1) == 0;
    }

    private static Set<String> found(JsonNode answer) {
        Set<String> documents = new HashSet<>();
        answer.path("hits").forEach(hit -> documents.add(hit.path("document_id").asText()));
        return documents;
    }

    private static JsonNode search(DocpipeProcess app) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(app.baseUri().resolve("/api/v1/search"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"" + ALL_MARKERS
                                        + "\",\"mode\":\"keyword\",\"k\":" + 4 * DOCUMENTS + "}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    private static void upload(URI baseUri, int document) throws Exception {
        String boundary = "crash-" + document;
        String text = "# Document " + document + "\n\nThe tide tables of the harbour, " + marker(document) + ".\n";
        String body = "--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"crash.md\"\r\n"
                + "Content-Type: text/markdown\r\n\r\n" + text + "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(baseUri.resolve("/api/v1/documents"))
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }
}
