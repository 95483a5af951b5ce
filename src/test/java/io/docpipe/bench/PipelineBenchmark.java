package io.docpipe.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.docpipe.chunk.TokenCounter;
import io.docpipe.embed.EmbeddingBatcher;
import io.docpipe.testsupport.RunningDocpipe;
import org.apache.camel.api.management.ManagedCamelContext;

/**
 * Pushes N small documents through the mock pipeline of a real docpipe instance on its embedded PostgreSQL and
 * prints throughput and upload-to-complete latency ({@code -Dbench.documents=N} to change N, default 1000).
 */
public final class PipelineBenchmark {

    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int documents = Integer.getInteger("bench.documents", 1000);
        int clients = Integer.getInteger("bench.clients", 8);
        Path dataDir = Files.createTempDirectory("docpipe-bench-");
        try (RunningDocpipe app = RunningDocpipe.startEmbedded(dataDir, shippedSweeps())) {
            warmUp(app);
            Instant start = Instant.now();
            upload(app, documents, clients);
            Instant uploaded = Instant.now();
            awaitAllDone(app);
            Instant done = Instant.now();
            report(app, documents, clients, Duration.between(start, uploaded), Duration.between(start, done));
        }
    }

    /** The sweeps on their shipped schedules (tests run them every second). */
    static Map<String, String> shippedSweeps() {
        Properties shipped = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("application.properties"))) {
            shipped.load(reader);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> sweeps = new HashMap<>();
        shipped.stringPropertyNames().stream().filter(key -> key.startsWith("docpipe.sweeps.") && key.endsWith(".cron"))
                .forEach(key -> sweeps.put(key, shipped.getProperty(key)));
        return sweeps;
    }

    private static void warmUp(RunningDocpipe app) {
        String jobId = app.upload("warm-up.txt", "Warm up the JIT and the pools.".getBytes(StandardCharsets.UTF_8))
                .json().path("job_id").asText();
        app.awaitJobStatus(jobId, "complete", Duration.ofMinutes(1));
    }

    private static List<String> upload(RunningDocpipe app, int documents, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<String>> uploads = new ArrayList<>();
            for (int i = 0; i < documents; i++) {
                String text = "# Benchmark document " + i + "\n\n" + ("Small documents measure the pipeline's overhead "
                        + "per job rather than the cost of parsing. ").repeat(8) + "\n\nEnd of document " + i + ".";
                uploads.add(pool.submit(() -> app.upload("bench-" + text.hashCode() + ".md",
                        text.getBytes(StandardCharsets.UTF_8)).json().path("job_id").asText()));
            }
            List<String> jobIds = new ArrayList<>();
            for (Future<String> upload : uploads) {
                jobIds.add(upload.get());
            }
            return jobIds;
        } finally {
            pool.shutdown();
        }
    }

    private static void awaitAllDone(RunningDocpipe app) {
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> app.sql().queryForObject("SELECT count(*) FROM jobs WHERE status <> 'complete'", Integer.class) == 0);
    }

    private static void report(RunningDocpipe app, int documents, int clients, Duration uploading, Duration total) {
        // upload-to-complete latency per job, measured by the database clock on the job's own events
        List<Double> latencies = app.sql().queryForList("""
                SELECT EXTRACT(EPOCH FROM (done.at - created.at)) * 1000
                  FROM job_events created
                  JOIN job_events done ON done.job_id = created.job_id AND done.to_status = 'complete'
                 WHERE created.from_status IS NULL
                """, Double.class);
        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("%n=== docpipe mock pipeline benchmark ===%n");
        System.out.printf("documents              %d (+1 warm-up), %d upload clients, embedded PostgreSQL%n", documents, clients);
        System.out.printf("upload phase           %.2f s (%.1f uploads/s)%n", seconds(uploading), documents / seconds(uploading));
        System.out.printf("all complete after     %.2f s%n", seconds(total));
        System.out.printf("throughput             %.1f documents/s%n", documents / seconds(total));
        System.out.printf("upload-to-complete     p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1]);
        System.out.printf("chunks / vectors       %d / %d%n",
                app.sql().queryForObject("SELECT count(*) FROM chunks", Long.class),
                app.sql().queryForObject("SELECT count(*) FROM embeddings", Long.class));
        // each exchange through route embed-batch is one embeddings request (to the mock here, to OpenAI in real mode)
        long requests = app.context().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute("embed-batch").getExchangesTotal();
        // OpenAI's limits: 2048 inputs and 300,000 tokens a request
        int minimum = new EmbeddingBatcher(new TokenCounter(), 2048, 300_000, 8191)
                .batch(app.sql().queryForList("SELECT text FROM chunks", String.class)).size();
        System.out.printf("embedding requests     %d (the fewest possible for these chunks: %d)%n", requests, minimum);
    }

    private static double percentile(double[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
