package io.docpipe.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.main.MainListenerSupport;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The route-level test layer: docpipe's real configuration (application.properties, DocpipeConfiguration, the
 * routes of ./routes and the Java routes) booted once per test class by {@code @CamelMainTest}, on a fresh database
 * of {@link TestPostgres}, its own data directory and free ports. A test class carries
 * {@code @CamelMainTest(mainClass = DocpipeApplication.class, replaceRouteFromWith = ...)} and
 * {@code @TestInstance(PER_CLASS)} (without it the extension boots once per test method), and hands its
 * {@code @Configure} method's argument to {@link #configure}.
 * <p>
 * {@code @CamelMainTest} takes only constant properties; the ones known at run time (database, ports, directory)
 * are added by a main listener before camel-main reads any of them.
 */
public final class RouteTestDocpipe {

    /**
     * The constant property every route-level test sets: {@code @CamelMainTest(properties = NO_RELOAD)}. It is needed
     * as well as {@link #configure}: camel-main hands its override properties to the properties component only when
     * some are set before it starts.
     */
    public static final String NO_RELOAD = "camel.main.routes-reload-enabled=false";

    private final Map<String, String> properties;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private CamelContext context;
    private ProducerTemplate template;

    private RouteTestDocpipe(Map<String, String> properties) {
        this.properties = properties;
    }

    /**
     * Points docpipe at a fresh database, a new data directory and free ports, with {@code overrides} on top; call it
     * from the test's {@code @Configure} method.
     */
    public static RouteTestDocpipe configure(MainConfigurationProperties main, Map<String, String> overrides) {
        try {
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("camel.server.port", String.valueOf(RunningDocpipe.freePort()));
            properties.put("camel.management.port", String.valueOf(RunningDocpipe.freePort()));
            properties.put(
                    "docpipe.data-dir",
                    Files.createTempDirectory("docpipe-route-test-").toString());
            properties.put("docpipe.database.url", TestPostgres.newDatabase());
            properties.put("docpipe.database.pool-size", "8");
            properties.put("docpipe.sweeps.cluster-name", "docpipe-route-test-" + UUID.randomUUID());
            properties.put("camel.main.routes-reload-enabled", "false");
            properties.putAll(overrides);
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void beforeInitialize(BaseMainSupport camelMain) {
                    if (camelMain.getOverrideProperties() == null
                            || camelMain.getOverrideProperties().isEmpty()) {
                        throw new IllegalStateException("@CamelMainTest needs properties = RouteTestDocpipe.NO_RELOAD");
                    }
                    properties.forEach(camelMain::addOverrideProperty);
                }
            });
            return new RouteTestDocpipe(properties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Binds the booted context, injected into the test by {@code @BeanInject CamelContext}. */
    public RouteTestDocpipe on(CamelContext booted) {
        if (context != booted) {
            this.context = booted;
            this.template = booted.createProducerTemplate();
        }
        return this;
    }

    public CamelContext context() {
        return context;
    }

    public Path dataDir() {
        return Path.of(properties.get("docpipe.data-dir"));
    }

    /** SQL on the instance's own database, through its pool. */
    public JdbcTemplate sql() {
        return new JdbcTemplate(context.getRegistry().lookupByNameAndType("dataSource", DataSource.class));
    }

    public int count(String sql, Object... args) {
        Integer count = sql().queryForObject(sql, Integer.class, args);
        return count == null ? 0 : count;
    }

    /** The job's row. */
    public Map<String, Object> job(UUID job) {
        return sql().queryForMap("SELECT * FROM jobs WHERE id = ?", job);
    }

    /** The job's events, oldest first: what GET /api/v1/jobs/{id} lists. */
    public List<String> details(UUID job) {
        return sql().queryForList("SELECT detail FROM job_events WHERE job_id = ? ORDER BY id", String.class, job);
    }

    /**
     * Puts every job there is now out of the claims' reach (not_before = infinity, as a budget reschedule does), so
     * that a claim run by {@link #claim} takes only the jobs a test makes afterwards, whatever earlier tests of the
     * class left behind.
     */
    public void setEarlierJobsAside() {
        sql().update("UPDATE jobs SET not_before = 'infinity'");
    }

    /**
     * What a test of a class sharing one boot starts from: no claimable job of an earlier test
     * ({@link #setEarlierJobsAside}) and an empty cost ledger, nothing reserved.
     */
    public void startAfresh() {
        setEarlierJobsAside();
        sql().update("DELETE FROM cost_reservations");
        sql().update("DELETE FROM cost_ledger");
    }

    /**
     * Runs a claim route's query once, as its SQL consumer would (the same statement, as a producer), and hands what
     * it claimed to the route, whose consumer the test replaced by {@code direct:<route>}: each row on its own, or,
     * {@code together}, the whole list in one exchange (a consumer with {@code useIterator: false}). Returns the
     * claimed rows once the route is done with them.
     */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> claim(String route, String query, boolean together) {
        List<Map<String, Object>> rows = template.requestBody("sql:" + query, null, List.class);
        if (rows.isEmpty()) {
            return rows;
        }
        // the claim route only queues what it claimed for the stage's workers: the rows go to their queue, each
        // send waiting until a worker is done with it
        String workers = workersOf(route);
        if (together) {
            template.sendBody(workers, rows);
        } else {
            rows.forEach(row -> template.sendBody(workers, row));
        }
        return rows;
    }

    /**
     * The queue of the workers a claim route feeds (claim-chunk-work's is seda:chunk-worker), as an endpoint whose
     * sends wait until a worker is done with what they sent.
     */
    public static String workersOf(String claimRoute) {
        return "seda:" + claimRoute.replaceFirst("^claim-(.*)-work$", "$1-worker")
                + "?waitForTaskToComplete=Always&timeout=30000";
    }

    /**
     * What docpipe's counter {@code name} (Prometheus name, e.g. {@code docpipe_provider_calls_total}) with these
     * labels ({@code key="value"}) has counted so far, as the management port's /observe/metrics shows it.
     */
    public double counted(String name, String... labels) {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + properties.get("camel.management.port") + "/observe/metrics"))
                .timeout(Duration.ofSeconds(30))
                .build();
        try {
            String metrics =
                    http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines()
                    .filter(line -> line.startsWith(name + "{"))
                    .filter(line -> Arrays.stream(labels).allMatch(line::contains))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public <T> T bean(String name, Class<T> type) {
        return context.getRegistry().lookupByNameAndType(name, type);
    }

    /** Uploads a text document over the real API and returns the receipt (job_id, document_id, correlation_id). */
    public JsonNode upload(String filename, String text) {
        String boundary = "docpipe-" + UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + text + "\r\n--" + boundary + "--\r\n";
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + properties.get("camel.server.port") + "/api/v1/documents"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new IllegalStateException("upload answered " + response.statusCode() + ": " + response.body());
            }
            return new RunningDocpipe.Response(response.statusCode(), response.body()).json();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
