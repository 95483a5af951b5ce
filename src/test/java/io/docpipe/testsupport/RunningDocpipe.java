package io.docpipe.testsupport;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.docpipe.DocpipeApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The real docpipe application (camel-main, the routes in ./routes, application.properties) started in this JVM
 * on free ports, against its own database in the shared test PostgreSQL, talked to over real HTTP.
 */
public final class RunningDocpipe implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The sweeps of routes/sweeps.yaml. */
    public static final List<String> SWEEPS = List.of(
            "retry-failed-jobs",
            "reclaim-expired-leases",
            "poll-overdue-parse-jobs",
            "release-rescheduled-jobs",
            "reembed-fallback-vectors",
            "deliver-budget-alerts",
            "purge-expired-records",
            "release-abandoned-reservations",
            "purge-orphaned-files");

    private final Main main;
    private final URI baseUri;
    private final URI managementUri;
    private final String jdbcUrl;
    private final Path dataDir;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String apiToken;

    private RunningDocpipe(Main main, URI baseUri, URI managementUri, String jdbcUrl, Path dataDir) {
        this.main = main;
        this.baseUri = baseUri;
        this.managementUri = managementUri;
        this.jdbcUrl = jdbcUrl;
        this.dataDir = dataDir;
    }

    /** Starts an instance on a fresh database. */
    public static RunningDocpipe start(Map<String, String> overrides) {
        return start(TestPostgres.newDatabase(), overrides);
    }

    /** Starts an instance on its own embedded PostgreSQL kept in {@code dataDir}, as {@code java -jar} does. */
    public static RunningDocpipe startEmbedded(Path dataDir, Map<String, String> overrides) {
        Map<String, String> properties = new LinkedHashMap<>(overrides);
        properties.put("docpipe.data-dir", dataDir.toString());
        return start("", properties);
    }

    /**
     * Starts an instance on the given database, e.g. a second instance sharing the first one's; a blank URL means
     * the embedded database.
     */
    public static RunningDocpipe start(String jdbcUrl, Map<String, String> overrides) {
        return start(jdbcUrl, overrides, Map.of());
    }

    /** As {@link #start(String, Map)}, with beans bound before docpipe builds its own (e.g. {@code docpipeClock}). */
    public static RunningDocpipe start(String jdbcUrl, Map<String, String> overrides, Map<String, Object> beans) {
        try {
            Path dataDir = Files.createTempDirectory("docpipe-test-");
            int port = freePort();
            int managementPort = freePort();
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("camel.server.port", String.valueOf(port));
            properties.put("camel.management.port", String.valueOf(managementPort));
            properties.put("docpipe.data-dir", dataDir.toString());
            properties.put("docpipe.database.url", jdbcUrl);
            properties.put("docpipe.database.pool-size", "8");
            // poll quickly: tests wait for the pipeline, not for idle claim intervals
            properties.put("docpipe.parse.poll-interval-ms", "50");
            properties.put("docpipe.chunk.poll-interval-ms", "50");
            properties.put("docpipe.embed.poll-interval-ms", "50");
            // the index works at full speed: two test JVMs share the machine, and tests wait for the index, whose
            // pacing (search/IndexPacer, tested on its own) would make their waits depend on the other JVM's load
            properties.put("docpipe.search.busy-index-percent", "100");
            // every sweep each second; an instance's own Quartz cluster unless a test shares one on purpose
            SWEEPS.forEach(sweep -> properties.put("docpipe.sweeps." + sweep + ".cron", "* * * * * ?"));
            properties.put("docpipe.sweeps.cluster-name", "docpipe-test-" + UUID.randomUUID());
            properties.put("camel.main.routes-reload-enabled", "false");
            properties.putAll(overrides);
            Main main = new Main(DocpipeApplication.class);
            properties.forEach(main::addOverrideProperty);
            beans.forEach(main::bind);
            main.start();
            return new RunningDocpipe(
                    main,
                    URI.create("http://localhost:" + properties.get("camel.server.port")),
                    URI.create("http://localhost:" + properties.get("camel.management.port")),
                    jdbcUrl,
                    Path.of(properties.get("docpipe.data-dir")));
        } catch (Exception e) {
            throw new IllegalStateException("docpipe did not start", e);
        }
    }

    public static RunningDocpipe start() {
        return start(Map.of());
    }

    public RunningDocpipe withApiToken(String token) {
        this.apiToken = token;
        return this;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public Path dataDir() {
        return dataDir;
    }

    public URI baseUri() {
        return baseUri;
    }

    public URI managementUri() {
        return managementUri;
    }

    /** SQL on the instance's own database, through its pool. */
    public JdbcTemplate sql() {
        return new JdbcTemplate(context().getRegistry().lookupByNameAndType("dataSource", DataSource.class));
    }

    /** Uploads bytes as the multipart part {@code file}. */
    public Response upload(String filename, byte[] content) {
        return upload(filename, content, null);
    }

    /** Uploads bytes as the multipart part {@code file}, as a version of {@code sourceId} (a form field) unless null. */
    public Response upload(String filename, byte[] content, String sourceId) {
        String boundary = "docpipe-" + UUID.randomUUID();
        String field = sourceId == null
                ? ""
                : "--" + boundary + "\r\nContent-Disposition: form-data; name=\"source_id\"\r\n\r\n" + sourceId
                        + "\r\n";
        byte[] head = (field + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                        + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        return send(request("/api/v1/documents")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    /** GETs bytes (a download), with the answer's headers. */
    public HttpResponse<byte[]> getBytes(String path) {
        try {
            return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** POSTs a JSON body. */
    public Response postJson(String path, String json) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(baseUri.resolve(path)).timeout(Duration.ofSeconds(30));
        if (apiToken != null) {
            builder.header("Authorization", "Bearer " + apiToken);
        }
        return builder;
    }

    /** Waits until the job reaches {@code status} and returns its JSON. */
    public JsonNode awaitJobStatus(String jobId, String status, Duration atMost) {
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> status.equals(
                        get("/api/v1/jobs/" + jobId).json().path("status").asText()));
        return get("/api/v1/jobs/" + jobId).json();
    }

    @Override
    public void close() {
        main.stop();
    }

    /** A port nobody listens on now, e.g. to start an instance whose own URL must be known beforehand. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** An HTTP answer. */
    public record Response(int status, String body) {

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }
}
