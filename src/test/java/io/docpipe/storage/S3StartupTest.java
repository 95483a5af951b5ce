package io.docpipe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.config.StartupRefusedException;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.testsupport.S3StandIn;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Starting with DOCPIPE_STORAGE=s3: a missing setting or refused credentials stop the start with one line naming
 * what to fix; a bucket that is not there lets docpipe start and health says so, without a stack trace or a secret.
 */
class S3StartupTest {

    private static S3StandIn s3;

    @BeforeAll
    static void start() {
        s3 = S3StandIn.start("startup");
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @Test
    void should_refuse_a_bucket_without_its_name() {
        Map<String, String> properties = new HashMap<>(s3.properties(""));
        properties.put("docpipe.storage.s3.bucket", "");
        assertThatThrownBy(() -> RunningDocpipe.start(properties))
                .rootCause()
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("S3_BUCKET is required when DOCPIPE_STORAGE is s3 (set it, or use DOCPIPE_STORAGE=local)");
    }

    @Test
    void should_refuse_a_secret_the_bucket_does_not_take() {
        Map<String, String> properties = new HashMap<>(s3.properties(""));
        properties.put("docpipe.storage.s3.secret-access-key", "not-the-secret");
        assertThatThrownBy(() -> RunningDocpipe.start(properties))
                .rootCause()
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("the S3 endpoint " + s3.endpoint() + " refused the request signature: check"
                        + " S3_SECRET_ACCESS_KEY (DOCPIPE_STORAGE=s3)");
    }

    @Test
    void should_refuse_an_unknown_storage() {
        assertThatThrownBy(() -> RunningDocpipe.start(Map.of("docpipe.storage", "nfs")))
                .rootCause()
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("DOCPIPE_STORAGE must be local or s3, was 'nfs'");
    }

    @Test
    void should_start_without_its_bucket_and_say_so_in_health() {
        Map<String, String> properties = new HashMap<>(s3.properties(""));
        properties.put("docpipe.storage.s3.bucket", "not-created");
        try (RunningDocpipe app = RunningDocpipe.start(properties)) {
            RunningDocpipe.Response health = app.get("/api/v1/health");
            assertThat(health.status()).isEqualTo(200);
            JsonNode storage = health.json().path("services").path("storage");
            assertThat(health.json().path("status").asText()).isEqualTo("DEGRADED");
            assertThat(storage.path("status").asText()).isEqualTo("DOWN");
            assertThat(storage.path("last_error").asText())
                    .isEqualTo("the bucket 'not-created' does not exist at the S3 endpoint " + s3.endpoint());
            assertThat(health.body())
                    .doesNotContain(S3StandIn.SECRET_ACCESS_KEY)
                    .doesNotContain("Exception");

            RunningDocpipe.Response upload = app.upload("nowhere.md", "# Nowhere\n".getBytes());
            assertThat(upload.status()).isEqualTo(503);
            assertThat(upload.json().path("error").path("code").asText()).isEqualTo("storage_unavailable");
            assertThat(upload.json().path("error").path("message").asText())
                    .isEqualTo("the document store cannot be reached; try again shortly");
            assertThat(upload.json().path("error").size()).isEqualTo(2);
        }
    }
}
