package io.docpipe.real;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The jobs of one claim share embeddings requests; each job is billed for its own inputs. One instance for both
 * tests, with requests of at most {@value #MAX_INPUTS} inputs: one claim of that many small documents fits one
 * request, a claim of more needs several.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddingBatchingTest {

    private static final int MAX_INPUTS = 20;

    private ProviderStandIns providers;
    private RunningDocpipe app;

    @BeforeAll
    void start() {
        providers = ProviderStandIns.start();
        Map<String, String> properties = new HashMap<>(providers.properties("mock", "real"));
        properties.put("docpipe.embedding.max-inputs-per-request", String.valueOf(MAX_INPUTS));
        app = RunningDocpipe.start(properties);
    }

    @AfterAll
    void stop() {
        app.close();
        providers.close();
    }

    @BeforeEach
    void forgetRequests() {
        providers.server().resetRequests();
    }

    @Test
    void should_embed_many_small_documents_in_one_request() throws Exception {
        List<String> jobs = embedTogether("one-request", MAX_INPUTS);

        assertThat(providers.server().findAll(postRequestedFor(urlPathEqualTo("/v1/embeddings"))))
                .hasSize(1);
        assertThat(app.sql()
                        .queryForList(
                                "SELECT embedding_tokens FROM jobs WHERE id::text IN (" + in(jobs) + ")", Long.class))
                .hasSize(MAX_INPUTS)
                .allSatisfy(tokens -> assertThat(tokens).isPositive());
        assertThat(app.sql()
                        .queryForObject(
                                "SELECT sum(embedding_tokens) FROM jobs WHERE id::text IN (" + in(jobs) + ")",
                                Long.class))
                .isEqualTo(app.sql()
                        .queryForObject(
                                "SELECT sum(c.token_count) FROM chunks c JOIN jobs j "
                                        + "ON j.document_id = c.document_id WHERE j.id::text IN (" + in(jobs) + ")",
                                Long.class));
    }

    @Test
    void should_complete_every_job_when_a_claim_needs_several_requests() throws Exception {
        List<String> jobs = embedTogether("several-requests", MAX_INPUTS + 5);

        assertThat(providers.server().findAll(postRequestedFor(urlPathEqualTo("/v1/embeddings"))))
                .hasSize(2);
        assertThat(app.sql()
                        .queryForList(
                                "SELECT DISTINCT e.provider FROM embeddings e JOIN chunks c ON c.id = e.chunk_id "
                                        + "JOIN jobs j ON j.document_id = c.document_id WHERE j.id::text IN ("
                                        + in(jobs) + ")",
                                String.class))
                .containsOnly("openai");
    }

    /** Uploads small documents, lets them all reach embedding_queued, then embeds them in one claim. */
    private List<String> embedTogether(String name, int documents) throws Exception {
        app.context().getRouteController().stopRoute("claim-embed-work");
        List<String> jobs = new ArrayList<>();
        try {
            for (int i = 0; i < documents; i++) {
                // named per test: the tests share one instance, where the same bytes would be the same document
                byte[] text = ("Small document number " + i + " of " + name + " shares a request.")
                        .getBytes(StandardCharsets.UTF_8);
                jobs.add(app.upload(name + "-" + i + ".txt", text)
                        .json()
                        .path("job_id")
                        .asText());
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> app.sql()
                                    .queryForObject(
                                            "SELECT count(*) FROM jobs WHERE status = 'embedding_queued'",
                                            Integer.class)
                            == documents);
        } finally {
            app.context().getRouteController().startRoute("claim-embed-work");
        }
        for (String job : jobs) {
            app.awaitJobStatus(job, "complete", Duration.ofSeconds(30));
        }
        return jobs;
    }

    private static String in(List<String> jobs) {
        return "'" + String.join("','", jobs) + "'";
    }
}
