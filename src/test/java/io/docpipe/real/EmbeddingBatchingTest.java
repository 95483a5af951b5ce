package io.docpipe.real;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import org.junit.jupiter.api.Test;

/** The jobs of one claim share embeddings requests; each job is billed for its own inputs. */
class EmbeddingBatchingTest {

    @Test
    void should_embed_many_small_documents_in_one_request() throws Exception {
        try (ProviderStandIns providers = ProviderStandIns.start();
                RunningDocpipe app = RunningDocpipe.start(providers.properties("mock", "real"))) {
            app.context().getRouteController().stopRoute("claim-embed-work");
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                byte[] text = ("Small document number " + i + " shares a request.").getBytes(StandardCharsets.UTF_8);
                jobs.add(app.upload("small-" + i + ".txt", text).json().path("job_id").asText());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> app.sql().queryForObject(
                    "SELECT count(*) FROM jobs WHERE status = 'embedding_queued'", Integer.class) == 20);

            app.context().getRouteController().startRoute("claim-embed-work");
            for (String job : jobs) {
                app.awaitJobStatus(job, "complete", Duration.ofSeconds(30));
            }

            assertThat(providers.server().findAll(postRequestedFor(urlPathEqualTo("/v1/embeddings")))).hasSize(1);
            assertThat(app.sql().queryForList("SELECT embedding_tokens FROM jobs", Long.class))
                    .hasSize(20).allSatisfy(tokens -> assertThat(tokens).isPositive());
            assertThat(app.sql().queryForObject("SELECT sum(embedding_tokens) FROM jobs", Long.class))
                    .isEqualTo(app.sql().queryForObject("SELECT sum(token_count) FROM chunks", Long.class));
        }
    }
}
