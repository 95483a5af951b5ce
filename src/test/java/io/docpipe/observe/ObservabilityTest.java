package io.docpipe.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.docpipe.testsupport.RunningDocpipe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The management port: Prometheus metrics, Camel health checks, and Jolokia for Hawtio. */
class ObservabilityTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static RunningDocpipe app;

    @BeforeAll
    static void start() {
        app = RunningDocpipe.start();
        String jobId = app.upload("observed.txt", "Watched in Prometheus and Hawtio.".getBytes(StandardCharsets.UTF_8))
                .json()
                .path("job_id")
                .asText();
        app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void should_expose_job_transitions_and_route_meters_to_prometheus() throws Exception {
        String metrics = management("/observe/metrics");

        assertThat(metrics).contains("docpipe_job_transitions_total{").contains("to_status=\"complete\"");
        assertThat(metrics).contains("routeId=\"claim-parse-work\"").contains("routeId=\"upload-document\"");
    }

    @Test
    void should_expose_both_circuit_breakers_state_and_calls_to_prometheus() throws Exception {
        String metrics = management("/observe/metrics");

        for (String breaker : new String[] {"llamaparse", "openai"}) {
            assertThat(metrics)
                    .as(breaker)
                    .containsPattern("resilience4j_circuitbreaker_state\\{[^}]*name=\"" + breaker
                            + "\"[^}]*state=\"closed\"[^}]*} 1.0")
                    .containsPattern(
                            "resilience4j_circuitbreaker_calls_seconds_count\\{[^}]*kind=\"successful\"[^}]*name=\""
                                    + breaker + "\"")
                    .containsPattern(
                            "resilience4j_circuitbreaker_not_permitted_calls_total\\{[^}]*name=\"" + breaker + "\"");
        }
    }

    @Test
    void should_expose_dead_and_rescheduled_jobs_and_todays_spend_as_gauges() throws Exception {
        String metrics = management("/observe/metrics");

        assertThat(metrics)
                .contains("docpipe_jobs_dead 0.0")
                .contains("docpipe_jobs_rescheduled 0.0")
                .contains("docpipe_cost_today_usd{service=\"openai\"} 0.0")
                .contains("docpipe_cost_today_usd{service=\"llamaparse\"} 0.0");
        assertThat(metrics).contains("docpipe_sweep_affected_total{sweep=\"retry-failed-jobs\"}");
    }

    @Test
    void should_report_the_database_in_camel_health() throws Exception {
        String health = management("/observe/health?exposureLevel=full");

        assertThat(health).startsWith("{\"status\":\"UP\"").contains("{\"name\":\"database\",\"status\":\"UP\"}");
    }

    @Test
    void should_answer_jolokia_reads_of_route_mbeans_for_hawtio() throws Exception {
        String state = management(
                "/observe/jolokia/read/org.apache.camel:context=docpipe,type=routes,name=%22claim-chunk-work%22/State");

        assertThat(state).contains("\"value\":\"Started\"");
    }

    private static String management(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(app.managementUri() + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }
}
