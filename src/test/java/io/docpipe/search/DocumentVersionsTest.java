package io.docpipe.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.testsupport.RunningDocpipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Versions under a source_id and deletes, in mock mode: the old version stays searchable until the new one completes
 * and every search sees one of them; a failing version replaces nothing; the same bytes are a duplicate; a delete
 * takes a document out of search and storage (a file shared with another version stays) and cancels its job.
 */
class DocumentVersionsTest {

    private static final Duration PIPELINE = Duration.ofSeconds(60);

    private static RunningDocpipe app;

    @BeforeAll
    static void start() {
        app = RunningDocpipe.start(Map.of());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void should_keep_the_old_version_searchable_until_the_new_one_completes_then_swap_at_once() throws Exception {
        String source = "https://intranet.example.test/handbook";
        JsonNode first =
                upload("handbook.md", "# Handbook\n\nOnboarding handbook. The first edition covers aardvarks.", source);
        assertThat(first.path("version").asInt()).isEqualTo(1);
        assertThat(first.path("source_id").asText()).isEqualTo(source);
        awaitSearchable(first, "aardvarks");

        app.context().getRouteController().stopRoute("claim-embed-work");
        JsonNode second =
                upload("handbook.md", "# Handbook\n\nOnboarding handbook. The second edition covers zebras.", source);
        assertThat(second.path("version").asInt()).isEqualTo(2);
        assertThat(second.path("duplicate").asBoolean()).isFalse();
        app.awaitJobStatus(second.path("job_id").asText(), "embedding_queued", PIPELINE);

        assertThat(documentsFound("onboarding handbook edition"))
                .containsExactly(first.path("document_id").asText());
        JsonNode versions = app.get("/api/v1/documents?source_id=" + source).json();
        assertThat(versions.path("current_document_id").asText())
                .isEqualTo(first.path("document_id").asText());
        assertThat(versions.path("versions").findValuesAsText("version")).containsExactly("2", "1");
        assertThat(versions.path("versions").get(0).path("status").asText()).isEqualTo("embedding_queued");
        assertThat(versions.path("versions").get(0).path("current").asBoolean()).isFalse();
        assertThat(versions.path("versions").get(1).path("current").asBoolean()).isTrue();

        app.context().getRouteController().startRoute("claim-embed-work");
        List<List<String>> seen = new ArrayList<>();
        await().atMost(PIPELINE).pollInterval(Duration.ofMillis(20)).until(() -> {
            List<String> found = documentsFound("onboarding handbook edition");
            seen.add(found);
            return found.contains(second.path("document_id").asText());
        });

        assertThat(seen).allSatisfy(found -> assertThat(found).hasSize(1));
        assertThat(documentsFound("aardvarks")).isEmpty();
        assertThat(app.get("/api/v1/documents?source_id=" + source)
                        .json()
                        .path("current_document_id")
                        .asText())
                .isEqualTo(second.path("document_id").asText());
    }

    @Test
    void should_leave_the_current_version_in_place_when_a_new_one_fails() {
        String source = "s3://bucket/birds.txt";
        String text = "Pelicans gather where the river meets the sea.";
        JsonNode good = upload("birds.txt", text, source);
        awaitSearchable(good, "pelicans");

        JsonNode failing = upload("birds.txt", "   \n\n   ", source);
        app.awaitJobStatus(failing.path("job_id").asText(), "failed_parse", PIPELINE);

        assertThat(documentsFound("pelicans river"))
                .containsExactly(good.path("document_id").asText());
        JsonNode versions = app.get("/api/v1/documents?source_id=" + source).json();
        assertThat(versions.path("current_document_id").asText())
                .isEqualTo(good.path("document_id").asText());
        assertThat(versions.path("versions").findValuesAsText("status")).containsExactly("failed_parse", "complete");

        JsonNode sameAsFailing = upload("birds.txt", "   \n\n   ", source);
        assertThat(sameAsFailing.path("duplicate").asBoolean()).isTrue();
        assertThat(sameAsFailing.path("document_id").asText())
                .isEqualTo(failing.path("document_id").asText());

        // the good text again is new next to the failed version: a third version, sharing the first one's file
        JsonNode again = upload("birds.txt", text, source);
        assertThat(again.path("duplicate").asBoolean()).isFalse();
        assertThat(again.path("version").asInt()).isEqualTo(3);
        awaitSearchable(again, "pelicans");
        assertThat(documentsFound("pelicans river"))
                .containsExactly(again.path("document_id").asText());
        assertThat(storagePath(again)).isEqualTo(storagePath(good));
    }

    @Test
    void should_answer_the_same_bytes_under_the_same_source_as_a_duplicate() {
        String source = "notes/duplicate.md";
        JsonNode first = upload("a.md", "Identical notes about lemurs.", source);
        JsonNode repeat = upload("b.md", "Identical notes about lemurs.", source);

        assertThat(repeat.path("duplicate").asBoolean()).isTrue();
        assertThat(repeat.path("document_id").asText())
                .isEqualTo(first.path("document_id").asText());
        assertThat(repeat.path("version").asInt()).isEqualTo(1);
        assertThat(app.get("/api/v1/documents?source_id=" + source)
                        .json()
                        .path("versions")
                        .size())
                .isEqualTo(1);
        assertThat(app.get("/api/v1/documents?source_id=never-seen")
                        .json()
                        .path("versions")
                        .size())
                .isZero();
        assertThat(app.get("/api/v1/documents").status()).isEqualTo(400);
    }

    @Test
    void should_delete_a_document_from_search_and_storage() {
        JsonNode document = upload("quokka.md", "Quokkas live on Rottnest Island.", null);
        awaitSearchable(document, "quokkas");
        Path file = app.dataDir().resolve(storagePath(document));
        assertThat(file).exists();

        RunningDocpipe.Response deleted =
                app.delete("/api/v1/documents/" + document.path("document_id").asText());

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        await().atMost(PIPELINE).until(() -> documentsFound("quokkas rottnest").isEmpty());
        assertThat(file).doesNotExist();
        String id = document.path("document_id").asText();
        assertThat(app.sql()
                        .queryForObject("SELECT count(*) FROM chunks WHERE document_id = ?::uuid", Integer.class, id))
                .isZero();
        assertThat(app.get("/api/v1/documents/" + id + "/chunks").status()).isEqualTo(404);
        assertThat(app.delete("/api/v1/documents/" + id).status()).isEqualTo(404);
        assertThat(app.delete("/api/v1/documents/not-a-document").status()).isEqualTo(404);
        // it had completed: its job says so still
        assertThat(app.get("/api/v1/jobs/" + document.path("job_id").asText())
                        .json()
                        .path("status")
                        .asText())
                .isEqualTo("complete");
    }

    @Test
    void should_keep_a_stored_file_that_another_version_shares() {
        String text = "Shared bytes about wombats burrowing.";
        JsonNode underA = upload("wombats.md", text, "source-a");
        JsonNode underB = upload("wombats.md", text, "source-b");
        awaitSearchable(underA, "wombats");
        awaitSearchable(underB, "wombats");
        Path file = app.dataDir().resolve(storagePath(underA));
        assertThat(storagePath(underB)).isEqualTo(storagePath(underA));

        assertThat(app.delete("/api/v1/documents/" + underA.path("document_id").asText())
                        .status())
                .isEqualTo(204);
        await().atMost(PIPELINE).until(() -> documentsFound("wombats burrowing").size() == 1);
        assertThat(documentsFound("wombats burrowing"))
                .containsExactly(underB.path("document_id").asText());
        assertThat(file).exists();

        assertThat(app.delete("/api/v1/documents/" + underB.path("document_id").asText())
                        .status())
                .isEqualTo(204);
        assertThat(file).doesNotExist();
        assertThat(app.get("/api/v1/documents?source_id=source-b")
                        .json()
                        .path("versions")
                        .size())
                .isZero();
    }

    @Test
    void should_cancel_the_job_of_a_document_deleted_on_its_way_and_write_nothing_for_it_afterwards() throws Exception {
        app.context().getRouteController().stopRoute("claim-embed-work");
        JsonNode document;
        try {
            document = upload("kiwi.md", "Kiwis cannot fly but run fast at night.", "birds/kiwi");
            app.awaitJobStatus(document.path("job_id").asText(), "embedding_queued", PIPELINE);

            assertThat(app.delete("/api/v1/documents/"
                                    + document.path("document_id").asText())
                            .status())
                    .isEqualTo(204);
        } finally {
            startEmbedClaims();
        }
        JsonNode job =
                app.get("/api/v1/jobs/" + document.path("job_id").asText()).json();
        assertThat(job.path("status").asText()).isEqualTo("cancelled");
        JsonNode last = job.path("events").get(job.path("events").size() - 1);
        assertThat(last.path("from_status").asText()).isEqualTo("embedding_queued");
        assertThat(last.path("to_status").asText()).isEqualTo("cancelled");

        // the embed stage runs again: a later document completes, the cancelled one stays as it is
        JsonNode later = upload("later.md", "Later text about owls.", null);
        app.awaitJobStatus(later.path("job_id").asText(), "complete", PIPELINE);
        String id = document.path("document_id").asText();
        assertThat(app.get("/api/v1/jobs/" + document.path("job_id").asText())
                        .json()
                        .path("status")
                        .asText())
                .isEqualTo("cancelled");
        assertThat(app.sql()
                        .queryForObject("SELECT count(*) FROM chunks WHERE document_id = ?::uuid", Integer.class, id))
                .isZero();
        assertThat(app.sql()
                        .queryForObject(
                                "SELECT count(*) FROM parsed_text_pages WHERE document_id = ?::uuid",
                                Integer.class,
                                id))
                .isZero();
        assertThat(documentsFound("kiwis fly night")).isEmpty();
        assertThat(app.get("/api/v1/documents?source_id=birds/kiwi")
                        .json()
                        .path("versions")
                        .size())
                .isZero();
    }

    private static void startEmbedClaims() {
        try {
            app.context().getRouteController().startRoute("claim-embed-work");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode upload(String filename, String text, String sourceId) {
        RunningDocpipe.Response response = app.upload(filename, text.getBytes(StandardCharsets.UTF_8), sourceId);
        assertThat(response.status()).as(response.body()).isIn(200, 202);
        return response.json();
    }

    private static void awaitSearchable(JsonNode receipt, String word) {
        app.awaitJobStatus(receipt.path("job_id").asText(), "complete", PIPELINE);
        await().atMost(PIPELINE).until(() -> documentsFound(word)
                .contains(receipt.path("document_id").asText()));
    }

    private static List<String> documentsFound(String query) {
        RunningDocpipe.Response response =
                app.postJson("/api/v1/search", "{\"query\":\"" + query + "\",\"mode\":\"keyword\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("hits").findValuesAsText("document_id").stream()
                .distinct()
                .toList();
    }

    private static String storagePath(JsonNode receipt) {
        return app.sql()
                .queryForObject(
                        "SELECT storage_path FROM documents WHERE id = ?::uuid",
                        String.class,
                        receipt.path("document_id").asText());
    }
}
