package io.docpipe.real;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import org.junit.jupiter.api.Test;

/** The jobs of one claim share embeddings requests; each job is billed for its own inputs. */
class EmbeddingBatchingTest {

    @Test
    void should_embed_many_small_documents_in_one_request() throws Exception {
        try (ProviderStandIns providers = ProviderStandIns.start();
                RunningDocpipe app = RunningDocpipe.start(providers.properties("mock", "real"))) {
            embedTogether(app, 20);

            assertThat(providers.server().findAll(postRequestedFor(urlPathEqualTo("/v1/embeddings")))).hasSize(1);
            assertThat(app.sql().queryForList("SELECT embedding_tokens FROM jobs", Long.class))
                    .hasSize(20).allSatisfy(tokens -> assertThat(tokens).isPositive());
            assertThat(app.sql().queryForObject("SELECT sum(embedding_tokens) FROM jobs", Long.class))
                    .isEqualTo(app.sql().queryForObject("SELECT sum(token_count) FROM chunks", Long.class));
        }
    }

    @Test
    void should_complete_every_job_when_a_claim_needs_several_requests() throws Exception {
        try (ProviderStandIns providers = ProviderStandIns.start()) {
            Map<String, String> properties = new HashMap<>(providers.properties("mock", "real"));
            properties.put("docpipe.embedding.max-inputs-per-request", "3");
            try (RunningDocpipe app = RunningDocpipe.start(properties)) {
                embedTogether(app, 10);

                assertThat(providers.server().findAll(postRequestedFor(urlPathEqualTo("/v1/embeddings")))).hasSize(4);
                assertThat(app.sql().queryForList("SELECT DISTINCT provider FROM embeddings", String.class)).containsOnly("openai");
            }
        }
    }

    /** Uploads small documents, lets them all reach embedding_queued, then embeds them in one claim. */
    private static void embedTogether(RunningDocpipe app, int documents) throws Exception {
        app.context().getRouteController().stopRoute("claim-embed-work");
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < documents; i++) {
            byte[] text = ("Small document number " + i + " shares a request.").getBytes(StandardCharsets.UTF_8);
            jobs.add(app.upload("small-" + i + ".txt", text).json().path("job_id").asText());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> app.sql().queryForObject(
                "SELECT count(*) FROM jobs WHERE status = 'embedding_queued'", Integer.class) == documents);

        app.context().getRouteController().startRoute("claim-embed-work");
        for (String job : jobs) {
            app.awaitJobStatus(job, "complete", Duration.ofSeconds(30));
        }
    }
}
