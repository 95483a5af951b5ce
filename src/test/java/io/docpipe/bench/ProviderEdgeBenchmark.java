package io.docpipe.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.docpipe.testsupport.LlamaCloudStandIn;
import io.docpipe.testsupport.OpenAiEmbeddingsTransformer;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.webhook.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;

/**
 * docpipe in {@code real} mode against stand-ins that behave like LlamaCloud and OpenAI under load, with set limits.
 * <ol>
 * <li>Throughput: N documents through LlamaParse (uploads and reads each under a sliding-window limit, parses that
 * take a few seconds, signed webhooks with LlamaCloud's 30 s timeout and retries) and OpenAI (requests per minute
 * enforced, announced only in its {@code x-ratelimit-*} headers, not configured in docpipe). Prints documents per
 * minute against what the limits allow, the 429s, the webhook deliveries and the calls per document.</li>
 * <li>Webhook burst: M jobs waiting for their parse, then signed deliveries for them (each job's success, a repeat
 * and a pending event) from several clients at a set rate: prints the answer latency and that each result was read
 * once.</li>
 * </ol>
 * Settings: {@code -Dbench.edge.api-version} (LlamaParse's generation: v2, the default, or v1),
 * {@code -Dbench.edge.documents} (600), {@code .uploads-per-minute} (300), {@code .reads-per-minute}
 * (1200), {@code .openai-requests-per-minute} (60), {@code .parse-seconds} (5), {@code .burst-jobs} (1000),
 * {@code .burst-rate} (deliveries a second, 250), {@code .burst-clients} (8).
 */
public final class ProviderEdgeBenchmark {

    private static final String LLAMAPARSE_KEY = "llx-bench-key-0123456789";
    private static final String OPENAI_KEY = "sk-bench-key-0123456789";
    private static final String SECRET = "whsec-bench-secret";
    private static final String API_VERSION = System.getProperty("bench.edge.api-version", "v2");

    private ProviderEdgeBenchmark() {}

    public static void main(String[] args) throws Exception {
        throughput();
        webhookBurst();
    }

    static void throughput() throws Exception {
        int documents = Integer.getInteger("bench.edge.documents", 600);
        int uploadsPerMinute = Integer.getInteger("bench.edge.uploads-per-minute", 300);
        int readsPerMinute = Integer.getInteger("bench.edge.reads-per-minute", 1200);
        int openAiPerMinute = Integer.getInteger("bench.edge.openai-requests-per-minute", 60);
        Duration parseTime = Duration.ofSeconds(Integer.getInteger("bench.edge.parse-seconds", 5));

        OpenAiEmbeddingsTransformer openAiLimits =
                new OpenAiEmbeddingsTransformer(OPENAI_KEY, openAiPerMinute, 1_000_000);
        WireMockServer openAi = new WireMockServer(options().dynamicPort().extensions(openAiLimits));
        openAi.start();
        openAi.stubFor(post(urlPathEqualTo("/v1/embeddings"))
                .willReturn(aResponse().withTransformers(OpenAiEmbeddingsTransformer.NAME)));
        try (LlamaCloudStandIn llamaCloud =
                LlamaCloudStandIn.start(LLAMAPARSE_KEY, uploadsPerMinute, readsPerMinute, parseTime, true)) {
            int port = RunningDocpipe.freePort();
            Map<String, String> properties = realMode(port, llamaCloud.baseUrl(), openAi.baseUrl());
            // docpipe is told the LlamaParse limits (they are not announced); OpenAI's it learns from the headers
            properties.put("docpipe.llamaparse.requests-per-minute", String.valueOf(uploadsPerMinute));
            properties.put("docpipe.llamaparse.read-requests-per-minute", String.valueOf(readsPerMinute));
            try (RunningDocpipe app =
                    RunningDocpipe.startEmbedded(Files.createTempDirectory("docpipe-bench-edge-"), properties)) {
                long start = System.nanoTime();
                upload(app, documents, "throughput");
                awaitAll(app, "complete", documents);
                double minutes = (System.nanoTime() - start) / 60e9;

                LlamaCloudStandIn.Counts counts = llamaCloud.counts();
                // reads a document needs at least: v1 its status and its Markdown, v2 one expanded GET
                double limitBound = Math.min(uploadsPerMinute, readsPerMinute / (API_VERSION.equals("v1") ? 2.0 : 1.0));
                int llamaRequests =
                        counts.uploads() + counts.statusReads() + counts.resultReads() + counts.rateLimited();
                int requests = llamaRequests + openAiLimits.requests();
                int tooMany = counts.rateLimited() + openAiLimits.rateLimited();
                System.out.printf(
                        "%n=== docpipe provider edge benchmark: real mode against rate-limited stand-ins ===%n");
                System.out.printf(
                        "limits                 LlamaParse %s uploads %d/min, reads %d/min (told to docpipe); OpenAI %d requests/min (announced in headers only); parse %d s%n",
                        API_VERSION, uploadsPerMinute, readsPerMinute, openAiPerMinute, parseTime.toSeconds());
                System.out.printf("documents              %d, upload to complete in %.1f s%n", documents, minutes * 60);
                // the steady rate leaves out the fixed latency of the first document (parse time, pipeline)
                double steadyMinutes = app.sql()
                        .queryForObject(
                                "SELECT EXTRACT(EPOCH FROM max(at) - min(at)) / 60 FROM job_events "
                                        + "WHERE to_status = 'complete'",
                                Double.class);
                System.out.printf(
                        "throughput             %.1f documents/min end to end (%.2f of the %.0f/min the limits allow); "
                                + "steady %.1f/min (%.2f)%n",
                        documents / minutes,
                        documents / minutes / limitBound,
                        limitBound,
                        (documents - 1) / steadyMinutes,
                        (documents - 1) / steadyMinutes / limitBound);
                System.out.printf(
                        "429s                   %d of %d requests (%.2f %%): LlamaParse %d, OpenAI %d%n",
                        tooMany,
                        requests,
                        100.0 * tooMany / requests,
                        counts.rateLimited(),
                        openAiLimits.rateLimited());
                System.out.printf(
                        "calls per document     LlamaParse %.2f (uploads %d, status %d, results %d), OpenAI %.3f (%d requests)%n",
                        (double) llamaRequests / documents,
                        counts.uploads(),
                        counts.statusReads(),
                        counts.resultReads(),
                        (double) openAiLimits.requests() / documents,
                        openAiLimits.requests());
                List<Long> millis = new ArrayList<>(counts.deliveryMillis());
                millis.sort(null);
                System.out.printf(
                        "webhook deliveries     %d, %d attempts, %d timed out, %d failed; answered p50 %d ms, p99 %d ms%n",
                        counts.deliveries(),
                        counts.deliveryAttempts(),
                        counts.deliveryTimeouts(),
                        counts.deliveryFailures(),
                        percentile(millis, 50),
                        percentile(millis, 99));
            }
        } finally {
            openAi.stop();
        }
    }

    static void webhookBurst() throws Exception {
        int jobs = Integer.getInteger("bench.edge.burst-jobs", 1000);
        int rate = Integer.getInteger("bench.edge.burst-rate", 250);
        int clients = Integer.getInteger("bench.edge.burst-clients", 8);

        WireMockServer openAi =
                new WireMockServer(options().dynamicPort().extensions(new OpenAiEmbeddingsTransformer(OPENAI_KEY)));
        openAi.start();
        openAi.stubFor(post(urlPathEqualTo("/v1/embeddings"))
                .willReturn(aResponse().withTransformers(OpenAiEmbeddingsTransformer.NAME)));
        // parses end at once but LlamaCloud stays silent: the benchmark sends the deliveries itself
        try (LlamaCloudStandIn llamaCloud =
                LlamaCloudStandIn.start(LLAMAPARSE_KEY, 60_000, 1200, Duration.ZERO, false)) {
            int port = RunningDocpipe.freePort();
            Map<String, String> properties = realMode(port, llamaCloud.baseUrl(), openAi.baseUrl());
            properties.put("docpipe.llamaparse.requests-per-minute", "60000");
            properties.put("docpipe.llamaparse.read-requests-per-minute", "1200");
            try (RunningDocpipe app =
                    RunningDocpipe.startEmbedded(Files.createTempDirectory("docpipe-bench-burst-"), properties)) {
                upload(app, jobs, "burst");
                awaitAll(app, "parse_queued", jobs);
                List<String> parseJobIds = app.sql().queryForList("SELECT parse_job_id FROM jobs", String.class);

                List<byte[]> bodies = new ArrayList<>();
                for (String parseJobId : parseJobIds) {
                    String success = UUID.randomUUID().toString();
                    bodies.add(envelope(UUID.randomUUID().toString(), "parse.pending", parseJobId));
                    bodies.add(envelope(success, "parse.success", parseJobId));
                    bodies.add(envelope(success, "parse.success", parseJobId)); // LlamaCloud's retry of a delivery
                }
                List<Long> micros =
                        sendAtRate(app.baseUri().resolve("/api/v1/webhooks/llamaparse"), bodies, rate, clients);
                long seconds = micros.remove(micros.size() - 1);
                awaitAll(app, "complete", jobs);

                micros.sort(null);
                LlamaCloudStandIn.Counts counts = llamaCloud.counts();
                System.out.printf(
                        "%n=== webhook burst: %d signed deliveries for %d waiting jobs from %d clients ===%n",
                        bodies.size(), jobs, clients);
                System.out.printf(
                        "delivery rate          %.0f/s offered at %d/s%n", bodies.size() / (seconds / 1e6), rate);
                System.out.printf(
                        "answer latency         p50 %.1f ms, p99 %.1f ms, max %.1f ms (all 2xx)%n",
                        percentile(micros, 50) / 1000.0,
                        percentile(micros, 99) / 1000.0,
                        micros.get(micros.size() - 1) / 1000.0);
                System.out.printf(
                        "results read           %d for %d jobs (status reads %d), every job complete%n",
                        counts.resultReads(), jobs, counts.statusReads());
            }
        } finally {
            openAi.stop();
        }
    }

    private static Map<String, String> realMode(int port, String llamaCloud, String openAi) {
        Map<String, String> properties = new HashMap<>();
        properties.put("camel.server.port", String.valueOf(port));
        properties.put("docpipe.public-base-url", "http://localhost:" + port);
        properties.put("docpipe.llamaparse.mode", "real");
        properties.put("docpipe.llamaparse.api-version", API_VERSION);
        properties.put("docpipe.openai.mode", "real");
        properties.put("docpipe.llamaparse.api-key", LLAMAPARSE_KEY);
        properties.put("docpipe.llamaparse.base-url", llamaCloud);
        properties.put("docpipe.llamaparse.webhook-secret", SECRET);
        properties.put("docpipe.openai.api-key", OPENAI_KEY);
        properties.put("docpipe.openai.base-url", openAi);
        properties.putAll(PipelineBenchmark.shippedSweeps());
        return properties;
    }

    private static void upload(RunningDocpipe app, int documents, String name) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> uploads = new ArrayList<>();
            for (int i = 0; i < documents; i++) {
                String text = "# " + name + " document " + i + "\n\nA document for the provider edge benchmark, number "
                        + i + ".";
                uploads.add(pool.submit(() -> app.upload(name + ".md", text.getBytes(StandardCharsets.UTF_8))
                        .status()));
            }
            for (Future<Integer> upload : uploads) {
                if (upload.get() != 202) {
                    throw new IllegalStateException("an upload was answered " + upload.get());
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    private static void awaitAll(RunningDocpipe app, String status, int jobs) {
        Awaitility.await()
                .atMost(Duration.ofMinutes(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() ->
                        app.sql().queryForObject("SELECT count(*) FROM jobs WHERE status = ?", Integer.class, status)
                                == jobs);
    }

    private static byte[] envelope(String eventId, String eventType, String parseJobId) {
        return ("{\"event_id\":\"" + eventId + "\",\"event_type\":\"" + eventType + "\",\"timestamp\":1753985275.11,"
                        + "\"data\":{\"id\":\"" + parseJobId + "\",\"job_id\":\"" + parseJobId + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sends the bodies signed, spread over the clients, each client at its share of the rate on a fixed schedule
     * (a slow answer does not slow the offered load down). Returns each answer's latency in microseconds, then the
     * whole run's length in microseconds as the last element.
     */
    private static List<Long> sendAtRate(URI url, List<byte[]> bodies, int rate, int clients) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<Long> micros = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        long intervalNanos = 1_000_000_000L * clients / rate;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            long offset = intervalNanos * c / clients;
            workers.add(pool.submit(() -> {
                long due = start + offset;
                for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
                    long sleep = due - System.nanoTime();
                    if (sleep > 0) {
                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    }
                    byte[] body = bodies.get(i);
                    long sent = System.nanoTime();
                    HttpResponse<Void> response = http.send(
                            HttpRequest.newBuilder(url)
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Content-Type", "application/json")
                                    .header("LC-Signature", WebhookSignature.sign(SECRET, body))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    micros.add((System.nanoTime() - sent) / 1000);
                    if (response.statusCode() / 100 != 2) {
                        failures.incrementAndGet();
                    }
                    due += intervalNanos;
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " deliveries were not answered 2xx");
        }
        List<Long> result = new ArrayList<>(micros);
        result.add((System.nanoTime() - start) / 1000);
        return result;
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
