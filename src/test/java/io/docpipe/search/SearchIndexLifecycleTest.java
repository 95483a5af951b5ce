package io.docpipe.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.testsupport.SearchCorpus;
import io.docpipe.testsupport.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The index is a projection of PostgreSQL: removed or unreadable, it is rebuilt at start and answers as before;
 * two instances on one database (and one data directory) keep an index each and answer alike.
 */
class SearchIndexLifecycleTest {

    private static final List<String> QUERIES = List.of(
            "{\"query\":\"glacier meltwater survey\",\"mode\":\"keyword\"}",
            "{\"query\":\"glacier meltwater survey\",\"mode\":\"vector\"}",
            "{\"query\":\"how fast do glaciers melt in spring\",\"mode\":\"hybrid\",\"k\":20}",
            "{\"query\":\"public water service report\",\"mode\":\"hybrid\"}",
            "{\"query\":\"research data community program\",\"mode\":\"vector\",\"k\":15}");

    /** The priorities of the followers' threads, found by their name among this process's threads. */
    private static List<Integer> followerNices() throws IOException {
        try (Stream<Path> threads = Files.list(Path.of("/proc/self/task"))) {
            List<Integer> nices = new ArrayList<>();
            for (Path thread : threads.toList()) {
                try {
                    // Linux keeps 15 characters of a thread's name
                    if (Files.readString(thread.resolve("comm")).startsWith("docpipe-search-")) {
                        String stat = Files.readString(thread.resolve("stat"));
                        nices.add(Integer.parseInt(
                                stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]));
                    }
                } catch (IOException ended) {
                    // the thread ended meanwhile
                }
            }
            return nices;
        }
    }

    @Test
    void should_rebuild_a_removed_or_unreadable_index_at_start_with_the_same_answers() throws IOException {
        String database = TestPostgres.newDatabase();
        Map<String, String> properties = Map.of(
                "docpipe.data-dir", Files.createTempDirectory("docpipe-index-").toString());
        Map<String, List<String>> before;
        Path index;
        try (RunningDocpipe first = RunningDocpipe.start(database, properties)) {
            uploadCorpus(first);
            awaitUpToDate(first);
            assertThat(followerNices())
                    .as("the follower's thread runs at the lowest priority")
                    .isNotEmpty()
                    .containsOnly(19);
            before = answers(first);
            index = first.dataDir().resolve("index");
        }
        assertThat(before.values()).allSatisfy(hits -> assertThat(hits).isNotEmpty());

        deleteRecursively(index);
        try (RunningDocpipe removed = RunningDocpipe.start(database, properties)) {
            awaitUpToDate(removed);
            assertThat(answers(removed)).isEqualTo(before);
        }
        assertThat(index.resolve("0")).isDirectory();

        try (Stream<Path> files = Files.list(index.resolve("0"))) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals("write.lock"))
                    .toList()) {
                Files.write(file, "not a Lucene file".getBytes(StandardCharsets.UTF_8));
            }
        }
        try (RunningDocpipe unreadable = RunningDocpipe.start(database, properties)) {
            awaitUpToDate(unreadable);
            assertThat(answers(unreadable)).isEqualTo(before);
        }
    }

    @Test
    void should_give_the_same_hits_from_two_instances_on_one_database() throws IOException {
        String database = TestPostgres.newDatabase();
        Map<String, String> shared = Map.of(
                "docpipe.data-dir", Files.createTempDirectory("docpipe-shared-").toString());
        try (RunningDocpipe one = RunningDocpipe.start(database, shared);
                RunningDocpipe two = RunningDocpipe.start(database, shared)) {
            uploadCorpus(one);
            awaitUpToDate(one);
            awaitUpToDate(two);

            assertThat(answers(two)).isEqualTo(answers(one));
            assertThat(Files.isDirectory(one.dataDir().resolve("index/0"))).isTrue();
            assertThat(Files.isDirectory(one.dataDir().resolve("index/1"))).isTrue();
        }
    }

    private static void uploadCorpus(RunningDocpipe app) {
        List<byte[]> filler = SearchCorpus.documents(60, 300, 20);
        for (int i = 0; i < filler.size(); i++) {
            assertThat(app.upload("filler-" + i + ".md", filler.get(i)).status())
                    .isEqualTo(202);
        }
        app.upload(
                "glacier.md",
                ("# Glacier survey\n\nMeltwater from the glacier rose every spring; the survey measured"
                                + " how fast the ice retreated.\n")
                        .getBytes(StandardCharsets.UTF_8),
                "surveys/glacier");
    }

    private static void awaitUpToDate(RunningDocpipe app) {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    JsonNode answer = app.postJson("/api/v1/search", "{\"query\":\"glacier\",\"mode\":\"keyword\"}")
                            .json();
                    return answer.path("pending_documents").asLong() == 0
                            && answer.path("index_lag").asLong() == 0
                            && answer.path("hits").size() > 0;
                });
    }

    /** Each query's hits as document, chunk and score (to 4 decimals): what two equal indexes answer alike. */
    private static Map<String, List<String>> answers(RunningDocpipe app) {
        Map<String, List<String>> answers = new LinkedHashMap<>();
        for (String query : QUERIES) {
            RunningDocpipe.Response response = app.postJson("/api/v1/search", query);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            List<String> hits = new ArrayList<>();
            for (JsonNode hit : response.json().path("hits")) {
                hits.add(hit.path("document_id").asText() + "#"
                        + hit.path("ordinal").asInt() + " "
                        + String.format("%.4f", hit.path("score").asDouble()));
            }
            answers.put(query, hits);
        }
        return answers;
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
