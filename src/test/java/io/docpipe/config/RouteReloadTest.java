package io.docpipe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.docpipe.testsupport.RunningDocpipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

/** A saved edit of a YAML route takes effect without a restart, and the Java routes stay. */
class RouteReloadTest {

    @Test
    void should_reload_an_edited_yaml_route_and_keep_the_java_routes() throws Exception {
        Path routes = Files.createTempDirectory("docpipe-routes-");
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        try (RunningDocpipe app = RunningDocpipe.start(Map.of(
                "camel.main.routes-include-pattern",
                "file:" + routes + "/*.yaml",
                "camel.main.routes-reload-enabled",
                "true",
                "camel.main.routes-reload-directory",
                routes.toString()))) {
            int javaRoutes = (int) app.context().getRoutes().stream()
                    .filter(route -> route.getSourceLocation() == null
                            || !route.getSourceLocation().endsWith(".yaml"))
                    .count();
            assertThat(javaRoutes).isGreaterThan(20);

            // an integration engineer reschedules a sweep and adds a route of their own
            Path sweeps = routes.resolve("sweeps.yaml");
            String edited = Files.readString(sweeps)
                            .replace(
                                    "description: Retries failed jobs whose next attempt (exponential backoff with jitter) is due",
                                    "description: Retries failed jobs (edited)")
                            .replace("cron: \"{{docpipe.sweeps.retry-failed-jobs.cron}}\"", "cron: \"0/7 * * * * ?\"")
                    + """

                    - route:
                        id: added-by-an-engineer
                        description: A route added while docpipe runs
                        from:
                          uri: direct:added-by-an-engineer
                          steps:
                            - setBody:
                                constant: reloaded
                    """;
            Path draft = routes.resolve("sweeps.yaml.draft");
            Files.writeString(draft, edited);
            Files.move(draft, sweeps, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            await().atMost(Duration.ofSeconds(30)).until(() -> app.context().getRoute("added-by-an-engineer") != null);
            try (ProducerTemplate producer = app.context().createProducerTemplate()) {
                assertThat(producer.requestBody("direct:added-by-an-engineer", "x", String.class))
                        .isEqualTo("reloaded");
            }
            assertThat(app.context().getRoute("sweep-retry-failed-jobs").getRouteDescription())
                    .isEqualTo("Retries failed jobs (edited)");
            assertThat(app.context().getRouteController().getRouteStatus("sweep-retry-failed-jobs"))
                    .isEqualTo(ServiceStatus.Started);
            // the new schedule is the cluster's: Quartz's trigger in the database has it
            await().atMost(Duration.ofSeconds(10)).until(() -> "0/7 * * * * ?"
                    .equals(app.sql()
                            .queryForObject(
                                    "SELECT cron_expression FROM qrtz_cron_triggers WHERE trigger_name = 'retry-failed-jobs'",
                                    String.class)));
            assertThat(app.context().getRoute("upload-document")).isNotNull();
            assertThat(app.context().getRoute("embed-claimed-jobs")).isNotNull();
            assertThat(app.context().getRoute("claim-parse-work")).isNotNull();
            // and the pipeline still runs end to end
            String job = app.upload("after-reload.txt", "Reloaded routes still ingest.".getBytes())
                    .json()
                    .path("job_id")
                    .asText();
            app.awaitJobStatus(job, "complete", Duration.ofSeconds(30));
        }
    }
}
