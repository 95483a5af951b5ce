package io.docpipe.real;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.docpipe.real.LlamaParseWebhooks.envelope;
import static io.docpipe.real.LlamaParseWebhooks.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.docpipe.testsupport.LlamaParseGeneration;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.testsupport.S3StandIn;
import io.docpipe.testsupport.SampleDocuments;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Real mode on a bucket: the LlamaParse submission is streamed from the document read out of the bucket (its bytes
 * exactly), its page estimate too, and the temporary copy is gone once the submission is done.
 */
class S3RealModeTest {

    @Test
    void should_submit_to_llamaparse_the_bytes_read_from_the_bucket() throws Exception {
        try (ProviderStandIns providers = ProviderStandIns.start(LlamaParseGeneration.V1);
                S3StandIn s3 = S3StandIn.start("real-mode")) {
            Map<String, String> properties = new HashMap<>(providers.properties("real", "real"));
            properties.putAll(s3.properties("real"));
            properties.put("docpipe.public-base-url", "https://docpipe.example.test/");
            try (RunningDocpipe app = RunningDocpipe.start(properties)) {
                byte[] pdf = SampleDocuments.pdf();
                JsonNode receipt = app.upload("report.pdf", pdf).json();
                String parseJobId = RealModeEndToEndTest.awaitParseJob(app, receipt);

                LoggedRequest upload =
                        providers.server().findAll(postRequestedFor(urlPathEqualTo("/api/v1/parsing/upload"))).stream()
                                .filter(r -> r.getPart("webhook_configurations")
                                        .getBody()
                                        .asString()
                                        .contains(receipt.path("correlation_id").asText()))
                                .findFirst()
                                .orElseThrow();
                assertThat(upload.getPart("file").getBody().asBytes()).isEqualTo(pdf);
                // the estimate read the copy too: 2 pages of 3 credits at $0.00125
                assertThat(app.get("/api/v1/costs")
                                .json()
                                .path("services")
                                .path("llamaparse")
                                .path("cost_usd")
                                .decimalValue())
                        .isPositive();

                assertThat(LlamaParseWebhooks.sendWithLcSignature(app, "", utf8(envelope("parse.success", parseJobId)))
                                .status())
                        .isEqualTo(200);
                app.awaitJobStatus(receipt.path("job_id").asText(), "complete", Duration.ofSeconds(60));

                assertThat(app.dataDir().resolve("documents")).doesNotExist();
                try (Stream<java.nio.file.Path> spooled =
                        Files.list(app.dataDir().resolve("spool"))) {
                    assertThat(spooled).isEmpty();
                }
            }
        }
    }
}
