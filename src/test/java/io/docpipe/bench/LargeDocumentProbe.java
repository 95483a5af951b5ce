package io.docpipe.bench;

import io.docpipe.testsupport.DocpipeProcess;
import io.docpipe.testsupport.TestPostgres;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Measures, not asserts: docpipe started as the user starts it (its own JVM, {@code -Xmx256m}, its embedded
 * PostgreSQL), one Markdown document of {@code -Dbench.large.mb} (200) MB of text uploaded and taken to complete in
 * mock mode, and the service's peak RSS ({@code VmHWM}) after each stage and after answering the document's chunks.
 * The search index's follower is off (an index of the document's chunks is not what is measured). Run with
 * {@code ./mvnw -B -q -Pbenchmark test-compile exec:java -Dbench.run=large}.
 */
public final class LargeDocumentProbe {

    private LargeDocumentProbe() {}

    public static void main(String[] args) throws Exception {
        int megabytes = Integer.getInteger("bench.large.mb", 200);
        String heap = System.getProperty("bench.heap", "256m");
        Path dataDir = Files.createTempDirectory("docpipe-large-");
        Path document = dataDir.resolve("large.md");
        long bytes = write(document, megabytes * 1_000_000L);

        Map<String, String> properties = new HashMap<>(PipelineBenchmark.shippedSweeps());
        properties.put("docpipe.database.pool-size", "16");
        properties.put("docpipe.search.follow-enabled", "false");
        properties.put("docpipe.upload.max-size-bytes", String.valueOf(bytes + 1_000_000));
        properties.put("camel.server.max-body-size", String.valueOf(bytes + 2_000_000));
        try (DocpipeProcess docpipe = DocpipeProcess.startEmbedded(dataDir, properties, List.of("-Xmx" + heap))) {
            JdbcTemplate sql =
                    new JdbcTemplate(TestPostgres.dataSource(PipelineBenchmark.jdbcUrl(dataDir, "postgres")));
            long idleRss = docpipe.peakRssBytes();
            long start = System.nanoTime();
            upload(docpipe.baseUri(), document);
            System.out.printf("%n=== one document of %.1f MB of text, docpipe at -Xmx%s ===%n", bytes / 1e6, heap);
            System.out.printf("started                peak RSS %d MiB%n", idleRss >> 20);
            report("uploaded", start, docpipe);
            String[] last = {"uploaded"};
            while (!last[0].equals("complete")) {
                Awaitility.await()
                        .atMost(Duration.ofHours(2))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> !sql.queryForObject("SELECT status FROM jobs", String.class)
                                .equals(last[0]));
                last[0] = sql.queryForObject("SELECT status FROM jobs", String.class);
                if (last[0].startsWith("failed")) {
                    throw new IllegalStateException(
                            "the job failed: " + sql.queryForObject("SELECT last_error FROM jobs", String.class));
                }
                report(last[0], start, docpipe);
            }
            Map<String, Object> counts = sql.queryForMap("SELECT (SELECT count(*) FROM parsed_text_pages) AS pages,"
                    + " (SELECT count(*) FROM chunks) AS chunks, (SELECT sum(token_count) FROM chunks) AS tokens");
            System.out.printf(
                    "stored                 %s pages of text, %s chunks, %s tokens%n",
                    counts.get("pages"), counts.get("chunks"), counts.get("tokens"));
            // the chunks endpoint: every chunk of the document in one answer, read to the end and counted
            String documentId = sql.queryForObject("SELECT document_id FROM jobs", String.class);
            long answerStart = System.nanoTime();
            HttpResponse<InputStream> answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            docpipe.baseUri().resolve("/api/v1/documents/" + documentId + "/chunks"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            long answerBytes;
            try (InputStream body = answer.body()) {
                answerBytes = body.transferTo(OutputStream.nullOutputStream());
            }
            System.out.printf(
                    "chunks answered        %d, %.1f MB of JSON in %.1f s, peak RSS so far %d MiB%n",
                    answer.statusCode(),
                    answerBytes / 1e6,
                    (System.nanoTime() - answerStart) / 1e9,
                    docpipe.peakRssBytes() >> 20);
            System.out.printf("peak RSS (docpipe)     %d MiB%n", docpipe.peakRssBytes() >> 20);
        }
    }

    private static void report(String status, long start, DocpipeProcess docpipe) throws Exception {
        System.out.printf(
                "%-22s after %6.1f s, peak RSS so far %d MiB%n",
                status, (System.nanoTime() - start) / 1e9, docpipe.peakRssBytes() >> 20);
    }

    /** Paragraphs of about 150 characters, a heading every 2,000, until {@code size} bytes; the bytes written. */
    private static long write(Path file, long size) throws Exception {
        long written = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int p = 0; written < size; p++) {
                String paragraph = (p % 2_000 == 0 ? "# Part " + p / 2_000 + "\n\n" : "")
                        + "[p" + p + "] A paragraph about streaming text through a pipeline, page after page, chunk"
                        + " after chunk, with nothing held whole." + " It ends here.".repeat(p % 3) + "\n\n";
                out.write(paragraph);
                written += paragraph.length();
            }
        }
        return written;
    }

    private static void upload(URI baseUri, Path document) throws Exception {
        String boundary = "large-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"large.md\""
                        + "\r\nContent-Type: text/markdown\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(baseUri.resolve("/api/v1/documents"))
                                .timeout(Duration.ofMinutes(10))
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(HttpRequest.BodyPublishers.concat(
                                        HttpRequest.BodyPublishers.ofByteArray(head),
                                        HttpRequest.BodyPublishers.ofFile(document),
                                        HttpRequest.BodyPublishers.ofByteArray(tail)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 202) {
            throw new IllegalStateException("the upload was answered " + answer.statusCode() + ": " + answer.body());
        }
    }
}
