package io.docpipe.testsupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.docpipe.webhook.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in that behaves like LlamaCloud's parse API under load, for benchmarks, in both generations: v1 (upload,
 * job status, Markdown result) and Parse v2 (create with a configuration, the job's GET with its expanded pages and
 * usage; PENDING, then RUNNING, then COMPLETED). Submissions and reads each under a sliding-window limit (429 with
 * Retry-After past it), parse jobs that finish a set time after submission, and signed webhook deliveries to the URL
 * of the submission's {@code webhook_configurations}, as LlamaCloud sends them: a 30 s timeout, three attempts with
 * 1 s and 2 s between them. It counts what it served and how deliveries went: a v2 read that answers the finished
 * job's pages counts as a result read, any other as a status read.
 */
public final class LlamaCloudStandIn implements AutoCloseable {

    /** What the stand-in saw. */
    public record Counts(
            int uploads,
            int statusReads,
            int resultReads,
            int rateLimited,
            int deliveries,
            int deliveryAttempts,
            int deliveryTimeouts,
            int deliveryFailures,
            List<Long> deliveryMillis) {}

    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    private static final long[] RETRY_DELAYS_MS = {1000, 2000};

    private final WireMockServer server;
    private final Api api;

    private LlamaCloudStandIn(WireMockServer server, Api api) {
        this.server = server;
        this.api = api;
    }

    /**
     * @param uploadsPerMinute uploads the organisation may make (LlamaCloud: 50 per 10 s)
     * @param readsPerMinute   status and result reads
     * @param parseTime        from submission to the end of a parse job
     * @param sendWebhooks     false: jobs end silently (a test sends the deliveries itself)
     */
    public static LlamaCloudStandIn start(
            String apiKey, int uploadsPerMinute, int readsPerMinute, Duration parseTime, boolean sendWebhooks) {
        Api api = new Api(
                apiKey,
                SlidingWindowLimit.perMinute(uploadsPerMinute, Duration.ofSeconds(10)),
                SlidingWindowLimit.perMinute(readsPerMinute, Duration.ofSeconds(10)),
                parseTime,
                sendWebhooks);
        WireMockServer server =
                new WireMockServer(options().dynamicPort().containerThreads(64).extensions(api));
        server.start();
        server.stubFor(any(urlPathMatching("/api/(v1/parsing|v2/parse)/.*"))
                .willReturn(aResponse().withTransformers(Api.NAME)));
        return new LlamaCloudStandIn(server, api);
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    /** Parse job ids of the uploads so far. */
    public List<String> jobIds() {
        return new ArrayList<>(api.jobs.keySet());
    }

    public Counts counts() {
        return new Counts(
                api.uploads.get(),
                api.statusReads.get(),
                api.resultReads.get(),
                api.rateLimited.get(),
                api.deliveries.get(),
                api.deliveryAttempts.get(),
                api.deliveryTimeouts.get(),
                api.deliveryFailures.get(),
                List.copyOf(api.deliveryMillis));
    }

    @Override
    public void close() {
        api.shutdown();
        server.stop();
    }

    private record ParseJob(String id, long submittedAt, long endsAt, String webhookUrl, String secret, String tier) {}

    private static final class Api implements ResponseDefinitionTransformerV2 {

        static final String NAME = "llamacloud";
        private static final String MARKDOWN = "# Parsed by the LlamaCloud stand-in\n\nBenchmark text.";

        private final ObjectMapper json = new ObjectMapper();
        private final String bearer;
        private final SlidingWindowLimit uploadLimit;
        private final SlidingWindowLimit readLimit;
        private final Duration parseTime;
        private final boolean sendWebhooks;
        private final Map<String, ParseJob> jobs = new ConcurrentHashMap<>();
        private final AtomicInteger uploads = new AtomicInteger();
        private final AtomicInteger statusReads = new AtomicInteger();
        private final AtomicInteger resultReads = new AtomicInteger();
        private final AtomicInteger rateLimited = new AtomicInteger();
        private final AtomicInteger deliveries = new AtomicInteger();
        private final AtomicInteger deliveryAttempts = new AtomicInteger();
        private final AtomicInteger deliveryTimeouts = new AtomicInteger();
        private final AtomicInteger deliveryFailures = new AtomicInteger();
        private final List<Long> deliveryMillis = Collections.synchronizedList(new ArrayList<>());
        private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        private final ExecutorService senders = Executors.newCachedThreadPool();
        private final HttpClient http = HttpClient.newBuilder()
                .executor(senders)
                .connectTimeout(Duration.ofSeconds(5))
                .build();

        Api(
                String apiKey,
                SlidingWindowLimit uploadLimit,
                SlidingWindowLimit readLimit,
                Duration parseTime,
                boolean sendWebhooks) {
            this.bearer = "Bearer " + apiKey;
            this.uploadLimit = uploadLimit;
            this.readLimit = readLimit;
            this.parseTime = parseTime;
            this.sendWebhooks = sendWebhooks;
        }

        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Request request = event.getRequest();
            if (!bearer.equals(request.getHeader("Authorization"))) {
                return answer(401, "{\"detail\":\"Invalid authentication token\"}");
            }
            String path = request.getUrl().replaceAll("\\?.*", "");
            if (path.equals("/api/v1/parsing/upload")) {
                return upload(request);
            }
            if (path.equals("/api/v2/parse/upload")) {
                return create(request);
            }
            if (path.startsWith("/api/v2/parse/")
                    && request.getMethod().getName().equals("GET")) {
                return read(request, path.substring("/api/v2/parse/".length()));
            }
            String[] parts = path.split("/");
            if (parts.length >= 6 && parts[4].equals("job")) {
                Duration wait = readLimit.tryPass();
                if (wait != null) {
                    return tooMany(wait);
                }
                ParseJob job = jobs.get(parts[5]);
                if (job == null) {
                    return answer(404, "{\"detail\":\"Job not found\"}");
                }
                boolean done = System.nanoTime() >= job.endsAt();
                if (parts.length == 6) {
                    statusReads.incrementAndGet();
                    return answer(
                            200,
                            "{\"id\":\"" + job.id() + "\",\"status\":\"" + (done ? "SUCCESS" : "PENDING")
                                    + "\",\"error_code\":null,\"error_message\":null}");
                }
                resultReads.incrementAndGet();
                if (!done) {
                    return answer(404, "{\"detail\":\"Job not completed yet\"}");
                }
                return answer(
                        200,
                        "{\"markdown\":\"" + MARKDOWN.replace("\n", "\\n") + "\",\"job_metadata\":"
                                + "{\"credits_used\":3.0,\"job_pages\":1,\"job_is_cache_hit\":false}}");
            }
            return answer(404, "{\"detail\":\"Not Found\"}");
        }

        private ResponseDefinition upload(Request request) {
            Duration wait = uploadLimit.tryPass();
            if (wait != null) {
                return tooMany(wait);
            }
            uploads.incrementAndGet();
            JsonNode webhook = null;
            try {
                Request.Part part = request.getPart("webhook_configurations");
                if (part != null) {
                    webhook = json.readTree(part.getBody().asString()).get(0);
                }
            } catch (Exception e) {
                return answer(400, "{\"detail\":\"webhook_configurations is not valid JSON\"}");
            }
            ParseJob job = submitted(UUID.randomUUID().toString(), webhook, null);
            return answer(
                    200,
                    "{\"id\":\"" + job.id() + "\",\"status\":\"PENDING\",\"error_code\":null,\"error_message\":null}");
        }

        /** Parse v2's create: the file and a configuration naming a tier and a version (422 otherwise). */
        private ResponseDefinition create(Request request) {
            Duration wait = uploadLimit.tryPass();
            if (wait != null) {
                return tooMany(wait);
            }
            uploads.incrementAndGet();
            JsonNode configuration = LlamaParseV2Wire.configuration(request);
            if (request.getPart("file") == null) {
                return answer(422, LlamaParseV2Wire.missingField("file"));
            }
            if (configuration == null
                    || !LlamaParseV2Wire.CREDITS_PER_PAGE.containsKey(
                            configuration.path("tier").asText())) {
                return answer(422, LlamaParseV2Wire.missingField("tier"));
            }
            if (configuration.path("version").asText().isBlank()) {
                return answer(422, LlamaParseV2Wire.missingField("version"));
            }
            String tier = configuration.path("tier").asText();
            ParseJob job = submitted(
                    "pjb-" + UUID.randomUUID(),
                    configuration.path("webhook_configurations").get(0),
                    tier);
            return answer(200, LlamaParseV2Wire.created(job.id(), tier));
        }

        private ParseJob submitted(String id, JsonNode webhook, String tier) {
            String webhookUrl =
                    webhook == null ? null : webhook.path("webhook_url").asText(null);
            String secret = webhook == null
                    ? null
                    : webhook.path("webhook_signing_secret").asText(null);
            long now = System.nanoTime();
            ParseJob job = new ParseJob(id, now, now + parseTime.toNanos(), webhookUrl, secret, tier);
            jobs.put(id, job);
            if (sendWebhooks && webhookUrl != null) {
                timer.schedule(
                        () -> deliver(job, UUID.randomUUID().toString(), 0),
                        parseTime.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            return job;
        }

        /** Parse v2's GET: the job's status, and, once it is COMPLETED, what {@code expand} asks for. */
        private ResponseDefinition read(Request request, String id) {
            Duration wait = readLimit.tryPass();
            if (wait != null) {
                return tooMany(wait);
            }
            ParseJob job = jobs.get(id);
            if (job == null || job.tier() == null) {
                return answer(404, "{\"detail\":\"Job not found\"}");
            }
            long now = System.nanoTime();
            String status = now >= job.endsAt()
                    ? "COMPLETED"
                    : now - job.submittedAt() < (job.endsAt() - job.submittedAt()) / 2 ? "PENDING" : "RUNNING";
            java.util.Set<String> expand = LlamaParseV2Wire.expand(request);
            boolean result = status.equals("COMPLETED") && (expand.contains("markdown") || expand.contains("text"));
            (result ? resultReads : statusReads).incrementAndGet();
            return answer(
                    200,
                    LlamaParseV2Wire.get(
                            id, status, job.tier(), null, List.of(LlamaParseV2Wire.Page.ok(1, MARKDOWN)), expand));
        }

        /** One delivery attempt; LlamaCloud tries three times in all, 1 s then 2 s apart. */
        private void deliver(ParseJob job, String eventId, int attempt) {
            if (attempt == 0) {
                deliveries.incrementAndGet();
            }
            deliveryAttempts.incrementAndGet();
            byte[] body = ("{\"event_id\":\"" + eventId + "\",\"event_type\":\"parse.success\",\"timestamp\":"
                            + System.currentTimeMillis() / 1000.0 + ",\"data\":{\"id\":\"" + job.id()
                            + "\",\"job_id\":\""
                            + job.id() + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(job.webhookUrl()))
                    .timeout(DELIVERY_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "llamaindex-webhook-service/1.0")
                    .header("X-Webhook-Event-ID", eventId)
                    .header("X-Webhook-Event-Type", "parse.success")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (job.secret() != null && !job.secret().isEmpty()) {
                request.header("LC-Signature", WebhookSignature.sign(job.secret(), body));
            }
            long started = System.nanoTime();
            http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, failure) -> {
                        long millis = (System.nanoTime() - started) / 1_000_000;
                        if (failure == null && response.statusCode() / 100 == 2) {
                            deliveryMillis.add(millis);
                            return;
                        }
                        if (failure != null && failure.getCause() instanceof java.net.http.HttpTimeoutException) {
                            deliveryTimeouts.incrementAndGet();
                        } else {
                            deliveryFailures.incrementAndGet();
                        }
                        if (attempt < RETRY_DELAYS_MS.length) {
                            timer.schedule(
                                    () -> deliver(job, eventId, attempt + 1),
                                    RETRY_DELAYS_MS[attempt],
                                    TimeUnit.MILLISECONDS);
                        }
                    });
        }

        private ResponseDefinition tooMany(Duration wait) {
            rateLimited.incrementAndGet();
            return ResponseDefinitionBuilder.responseDefinition()
                    .withStatus(429)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("Retry-After", String.valueOf(Math.max(1, (wait.toMillis() + 999) / 1000)))
                    .withBody("{\"detail\":\"Too many requests\"}")
                    .build();
        }

        private static ResponseDefinition answer(int status, String body) {
            return ResponseDefinitionBuilder.responseDefinition()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(body)
                    .build();
        }

        void shutdown() {
            timer.shutdownNow();
            senders.shutdownNow();
        }
    }
}
