package io.docpipe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.docpipe.testsupport.DocpipeProcess;
import io.docpipe.testsupport.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * docpipe on its embedded database, killed with SIGKILL while hundreds of jobs are in flight, and started again on
 * the same data directory: it clears the PostgreSQL the dead process left behind (or recovers one that died too),
 * takes the dead process's jobs over at once, and completes every acknowledged upload exactly once.
 */
class CrashRecoveryTest {

    private static final int DOCUMENTS = 200;
    /** The first run embeds slowly, so that most jobs are mid-pipeline when it is killed. */
    private static final Map<String, String> SLOW = Map.of(
            "docpipe.embed.poll-interval-ms",
            "1000",
            "docpipe.embed.claim-batch-size",
            "4",
            "docpipe.embed.workers",
            "1");

    @Test
    void should_complete_every_job_after_a_kill_9_that_leaves_postgresql_running() throws Exception {
        Path dataDir = Files.createTempDirectory("docpipe-crash-");
        crashWhileBusy(dataDir);
        ProcessHandle orphan = DocpipeProcess.postmaster(dataDir).orElseThrow();
        assertThat(orphan.isAlive())
                .as("the embedded PostgreSQL outlives its docpipe")
                .isTrue();

        recover(dataDir);
        assertThat(orphan.isAlive()).as("the orphan was shut down").isFalse();
    }

    @Test
    void should_complete_every_job_after_a_kill_9_of_docpipe_and_its_postgresql() throws Exception {
        Path dataDir = Files.createTempDirectory("docpipe-crash-");
        crashWhileBusy(dataDir);
        ProcessHandle postmaster = DocpipeProcess.postmaster(dataDir).orElseThrow();
        postmaster.destroyForcibly();
        postmaster.onExit().get();

        recover(dataDir);
    }

    /** Uploads the documents, then kills docpipe at once; returns the jobs that were not complete. */
    private static void crashWhileBusy(Path dataDir) throws Exception {
        DocpipeProcess first = DocpipeProcess.startEmbedded(dataDir, SLOW);
        List<String> jobIds = upload(first.baseUri(), DOCUMENTS);
        first.kill();
        assertThat(jobIds).hasSize(DOCUMENTS);
    }

    private static void recover(Path dataDir) throws Exception {
        // while it starts, nothing under /api/v1 may answer with the HTTP server's HTML page
        Path log;
        ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
        AtomicBoolean probing = new AtomicBoolean(true);
        int port = io.docpipe.testsupport.RunningDocpipe.freePort();
        Thread probe = new Thread(
                () -> probe(URI.create("http://localhost:" + port + "/api/v1/no-such-thing"), answers, probing));
        probe.start();
        long restart = System.nanoTime();
        try (DocpipeProcess second =
                DocpipeProcess.startEmbedded(dataDir, Map.of("camel.server.port", String.valueOf(port)))) {
            log = second.log();
            JdbcTemplate sql = new JdbcTemplate(TestPostgres.dataSource(jdbcUrl(dataDir)));
            int unfinished = sql.queryForObject("SELECT count(*) FROM jobs WHERE status <> 'complete'", Integer.class);
            // a ceiling, not a goal: quiet, all complete within about 25 s; at a load of 20 it took 120 s
            await().atMost(Duration.ofSeconds(300))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() ->
                            sql.queryForObject("SELECT count(*) FROM jobs WHERE status = 'complete'", Integer.class)
                                    == DOCUMENTS);
            System.out.printf(
                    "crash recovery: %d of %d jobs unfinished at restart, all complete %.1f s after it%n",
                    unfinished, DOCUMENTS, (System.nanoTime() - restart) / 1e9);
            probing.set(false);

            // every acknowledged upload is there, and every step was done once
            assertThat(sql.queryForObject("SELECT count(*) FROM jobs", Integer.class))
                    .isEqualTo(DOCUMENTS);
            assertThat(sql.queryForObject(
                            "SELECT count(*) FROM documents d WHERE NOT EXISTS "
                                    + "(SELECT 1 FROM chunks c WHERE c.document_id = d.id)",
                            Integer.class))
                    .as("documents without chunks")
                    .isZero();
            assertThat(sql.queryForObject(
                            "SELECT count(*) FROM chunks c LEFT JOIN embeddings e ON e.chunk_id = c.id "
                                    + "WHERE e.chunk_id IS NULL",
                            Integer.class))
                    .as("chunks without a vector")
                    .isZero();
            assertThat(sql.queryForObject(
                            "SELECT count(*) - count(DISTINCT (document_id, ordinal)) FROM chunks", Integer.class))
                    .as("duplicate chunks")
                    .isZero();
            assertThat(sql.queryForObject(
                            "SELECT count(*) FROM (SELECT job_id FROM job_events WHERE to_status = 'complete' "
                                    + "GROUP BY job_id HAVING count(*) > 1) twice",
                            Integer.class))
                    .as("jobs completed twice")
                    .isZero();
            assertThat(sql.queryForObject("SELECT count(*) FROM jobs WHERE lease_owner IS NOT NULL", Integer.class))
                    .isZero();
        } finally {
            probing.set(false);
            probe.join();
        }
        assertThat(answers).as("answers while starting (log: %s)", log).allSatisfy(answer -> assertThat(answer)
                .matches("(404|503) \\{\"error\":\\{.*"));
    }

    private static List<String> upload(URI baseUri, int documents) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> uploads = new ArrayList<>();
            for (int i = 0; i < documents; i++) {
                String text =
                        "# Crash document " + i + "\n\n" + "Written before the crash. ".repeat(20) + UUID.randomUUID();
                uploads.add(clients.submit(() -> {
                    String boundary = "crash-" + UUID.randomUUID();
                    String body = "--" + boundary
                            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"crash.md\"\r\n"
                            + "Content-Type: text/markdown\r\n\r\n" + text + "\r\n--" + boundary + "--\r\n";
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(baseUri.resolve("/api/v1/documents"))
                                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                    return response.body();
                }));
            }
            List<String> answered = new ArrayList<>();
            for (Future<String> upload : uploads) {
                answered.add(upload.get());
            }
            return answered;
        } finally {
            clients.shutdown();
        }
    }

    private static void probe(URI url, ConcurrentLinkedQueue<String> answers, AtomicBoolean probing) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        while (probing.get()) {
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(url)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                // the time tells which part of the start answered (compare with the process log)
                answers.add(response.statusCode() + " " + response.body() + " at " + java.time.LocalTime.now());
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The embedded server's address, from the pid file it writes (line 4: the port). */
    private static String jdbcUrl(Path dataDir) throws IOException {
        List<String> pid = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"));
        return "jdbc:postgresql://localhost:" + pid.get(3).trim() + "/postgres";
    }
}
