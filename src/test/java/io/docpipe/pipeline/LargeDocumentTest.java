package io.docpipe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.testsupport.RunningDocpipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A document of about 30 MB of text goes from upload to complete in mock mode: its parsed text is stored as ordered
 * pages, and its chunks are cut from them in order, every paragraph in its place, overlapping across the pages'
 * ends. (The service's memory with a 200 MB text is measured by {@code Benchmarks}' {@code large} run.)
 */
class LargeDocumentTest {

    private static final Logger LOG = LoggerFactory.getLogger(LargeDocumentTest.class);

    /** Paragraphs of about 150 characters: some 30 MB of text in 200,000 of them, a heading every 2,000. */
    private static final int PARAGRAPHS = 200_000;

    private static RunningDocpipe app;

    @BeforeAll
    static void start() {
        // the index is not what this test looks at: leave its follower off
        app = RunningDocpipe.start(Map.of("docpipe.search.follow-enabled", "false"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void should_ingest_a_document_of_30_megabytes_of_text_in_pages_and_ordered_chunks() {
        byte[] document = document();
        long started = System.nanoTime();

        String jobId = app.upload("large.md", document).json().path("job_id").asText();
        app.awaitJobStatus(jobId, "complete", Duration.ofMinutes(10));
        LOG.info(
                "{} MB of text from upload to complete in {} s",
                document.length / 1_000_000,
                (System.nanoTime() - started) / 1_000_000_000);

        String documentId =
                app.get("/api/v1/jobs/" + jobId).json().path("document_id").asText();
        // the text in pages: as many as 256 Ki characters make, together the whole (stripped) text
        Map<String, Object> pages = app.sql()
                .queryForMap(
                        "SELECT count(*) AS pages, sum(length(text)) AS chars, min(page) AS first, max(page) AS last"
                                + " FROM parsed_text_pages WHERE document_id = ?::uuid",
                        documentId);
        long chars = ((Number) pages.get("chars")).longValue();
        assertThat(chars)
                .isEqualTo(new String(document, StandardCharsets.UTF_8).strip().length());
        assertThat(((Number) pages.get("pages")).longValue())
                .isEqualTo((chars + 256 * 1024 - 1) / (256 * 1024))
                .isGreaterThan(100);
        assertThat(((Number) pages.get("last")).longValue()).isEqualTo(((Number) pages.get("pages")).longValue() - 1);

        // the chunks: numbered 0..n-1, each bounded, every paragraph in document order, each continuing chunk
        // beginning with the end of the one before
        int[] expectedOrdinal = {0};
        int[] nextParagraph = {0};
        String[] previous = {null};
        app.sql()
                .query(
                        "SELECT ordinal, text, token_count FROM chunks WHERE document_id = ?::uuid ORDER BY ordinal",
                        rs -> {
                            assertThat(rs.getInt("ordinal")).isEqualTo(expectedOrdinal[0]++);
                            assertThat(rs.getInt("token_count")).isBetween(1, 512);
                            String text = rs.getString("text");
                            if (previous[0] != null && !text.startsWith("#")) {
                                String tail = previous[0].substring(previous[0].length() - 10);
                                assertThat(text).contains(tail.strip());
                            }
                            int at = 0;
                            for (int found = text.indexOf("[p" + nextParagraph[0] + "]", at);
                                    found >= 0;
                                    found = text.indexOf("[p" + nextParagraph[0] + "]", at)) {
                                at = found;
                                nextParagraph[0]++;
                            }
                            previous[0] = text;
                        },
                        documentId);
        assertThat(nextParagraph[0]).as("paragraphs found in order").isEqualTo(PARAGRAPHS);
        assertThat(expectedOrdinal[0]).isGreaterThan(5_000);
        assertThat(app.sql()
                        .queryForObject(
                                "SELECT count(*) FROM embeddings e JOIN chunks c ON c.id = e.chunk_id"
                                        + " WHERE c.document_id = ?::uuid",
                                Integer.class,
                                documentId))
                .isEqualTo(expectedOrdinal[0]);

        // the chunks endpoint answers them all, in order, written from a cursor and streamed
        JsonNode answered =
                app.get("/api/v1/documents/" + documentId + "/chunks").json().path("chunks");
        assertThat(answered.size()).isEqualTo(expectedOrdinal[0]);
        assertThat(answered.get(0).path("ordinal").asInt()).isZero();
        assertThat(answered.get(answered.size() - 1).path("ordinal").asInt()).isEqualTo(expectedOrdinal[0] - 1);
        assertThat(answered.get(answered.size() - 1)
                        .path("embedding")
                        .path("provider")
                        .asText())
                .isEqualTo("mock");
    }

    private static byte[] document() {
        StringBuilder text = new StringBuilder(PARAGRAPHS * 160);
        for (int p = 0; p < PARAGRAPHS; p++) {
            if (p % 2_000 == 0) {
                text.append("# Part ").append(p / 2_000).append("\n\n");
            }
            text.append("[p")
                    .append(p)
                    .append("] A paragraph about streaming text through a pipeline, page after page, chunk after")
                    .append(" chunk, with nothing held whole.")
                    .append(" It ends here.".repeat(p % 3))
                    .append("\n\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
