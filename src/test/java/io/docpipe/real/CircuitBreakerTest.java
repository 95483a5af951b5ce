package io.docpipe.real;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.docpipe.testsupport.LlamaParseGeneration;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An OpenAI outage opens the circuit. In {@code real} mode jobs wait in their queue state (never failed) and finish
 * once OpenAI is back; in {@code hybrid} mode they finish on the mock and their vectors are upgraded later.
 */
class CircuitBreakerTest {

    private ProviderStandIns providers;

    @BeforeEach
    void start() {
        providers = ProviderStandIns.start(LlamaParseGeneration.V1);
        providers
                .server()
                .stubFor(
                        post(urlPathEqualTo("/v1/embeddings"))
                                .atPriority(1)
                                .willReturn(
                                        aResponse()
                                                .withStatus(500)
                                                .withHeader("Content-Type", "application/json")
                                                .withBody(
                                                        "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\",\"param\":null,\"code\":null}}")));
    }

    @AfterEach
    void stop() {
        providers.close();
    }

    @Test
    void should_keep_jobs_waiting_while_the_circuit_is_open_in_real_mode_then_finish_them() {
        try (RunningDocpipe app = RunningDocpipe.start(properties("real"))) {
            List<String> jobs = upload(app, 4);

            await().atMost(Duration.ofSeconds(30)).until(() -> "OPEN".equals(circuit(app)));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> app.sql()
                                    .queryForObject(
                                            "SELECT count(*) FROM job_events WHERE detail LIKE 'OpenAI is unavailable (circuit OPEN)%'",
                                            Integer.class)
                            > 0);
            assertThat(app.get("/api/v1/health").json().path("status").asText()).isEqualTo("DEGRADED");
            // calls that failed before the circuit opened left their jobs failed, each with a next attempt: none is
            // dead
            assertThat(app.sql()
                            .queryForObject(
                                    "SELECT count(*) FROM jobs WHERE status LIKE 'failed%' AND not_before IS NULL",
                                    Integer.class))
                    .isZero();

            providers.reset(); // OpenAI is back
            for (String job : jobs) {
                app.awaitJobStatus(job, "complete", Duration.ofSeconds(60));
            }
            assertThat(app.sql().queryForList("SELECT DISTINCT provider FROM embeddings", String.class))
                    .containsOnly("openai");
        }
    }

    /**
     * Both services down in hybrid mode, in one instance (one boot for what were two tests): documents are parsed
     * and embedded by the mock, and their vectors are upgraded once OpenAI is back.
     */
    @Test
    void should_parse_and_embed_with_the_mock_in_hybrid_mode_and_upgrade_the_vectors_later() {
        providers
                .server()
                .stubFor(post(urlPathEqualTo("/api/v1/parsing/upload"))
                        .atPriority(1)
                        .willReturn(aResponse().withStatus(503).withBody("{\"detail\":\"Service unavailable\"}")));
        Map<String, String> properties = properties("hybrid");
        properties.putAll(providers.properties("hybrid", "hybrid"));
        try (RunningDocpipe app = RunningDocpipe.start(properties)) {
            List<String> jobs = upload(app, 4);
            for (String job : jobs) {
                app.awaitJobStatus(job, "complete", Duration.ofSeconds(60));
            }
            // LlamaParse is down: the mock parsed every document
            assertThat(app.sql().queryForList("SELECT DISTINCT parse_provider FROM documents", String.class))
                    .containsOnly("mock");
            assertThat(app.get("/api/v1/health")
                            .json()
                            .path("services")
                            .path("llamaparse")
                            .path("circuit")
                            .asText())
                    .isNotEqualTo("CLOSED");
            // OpenAI is down: the mock embedded them
            assertThat(app.sql()
                            .queryForObject(
                                    "SELECT count(*) FROM embeddings WHERE fallback AND provider = 'mock'",
                                    Integer.class))
                    .isPositive();

            providers.reset(); // both are back: the re-embed run replaces the fallback vectors
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() ->
                            app.sql().queryForObject("SELECT count(*) FROM embeddings WHERE fallback", Integer.class)
                                    == 0);
            assertThat(app.sql().queryForList("SELECT DISTINCT provider FROM embeddings", String.class))
                    .containsOnly("openai");
            assertThat(app.sql().queryForObject("SELECT count(*) FROM chunks", Integer.class))
                    .isEqualTo(app.sql().queryForObject("SELECT count(*) FROM embeddings", Integer.class));
        }
    }

    private Map<String, String> properties(String openAiMode) {
        Map<String, String> properties = new HashMap<>(providers.properties("mock", openAiMode));
        properties.put("docpipe.circuit.minimum-calls", "2");
        properties.put("docpipe.circuit.sliding-window-calls", "4");
        properties.put("docpipe.circuit.open-seconds", "2");
        properties.put("docpipe.sweeps.reembed-fallback-vectors.cron", "* * * * * ?");
        return properties;
    }

    private static String circuit(RunningDocpipe app) {
        return app.get("/api/v1/health")
                .json()
                .path("services")
                .path("openai")
                .path("circuit")
                .asText();
    }

    private static List<String> upload(RunningDocpipe app, int count) {
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] text = ("Outage document " + i + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
            jobs.add(app.upload("outage.txt", text).json().path("job_id").asText());
        }
        return jobs;
    }
}
