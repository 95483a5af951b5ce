package io.docpipe.real;

import static io.docpipe.real.LlamaParseWebhooks.envelope;
import static io.docpipe.real.LlamaParseWebhooks.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.testsupport.LlamaParseGeneration;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.webhook.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/webhooks/llamaparse} with bad, duplicate and out-of-order deliveries: each answered with the
 * contract's status code, none changing the database.
 */
class WebhookTest {

    private static ProviderStandIns providers;
    private static RunningDocpipe app;
    private static String jobId;
    private static String parseJobId;

    @BeforeAll
    static void start() {
        providers = ProviderStandIns.start(LlamaParseGeneration.V1);
        app = RunningDocpipe.start(providers.properties("real", "real"));
        JsonNode receipt = app.upload("waiting.txt", "A job waiting for its webhook.".getBytes(StandardCharsets.UTF_8))
                .json();
        jobId = receipt.path("job_id").asText();
        parseJobId = RealModeEndToEndTest.awaitParseJob(app, receipt);
    }

    @AfterAll
    static void stop() {
        app.close();
        providers.close();
    }

    @Test
    void should_refuse_a_delivery_without_a_signature() {
        assertRefusedWithoutChange(LlamaParseWebhooks.send(app, "", validBody(), null, null), 401, "missing_signature");
    }

    @Test
    void should_refuse_a_wrong_signature() {
        byte[] body = validBody();
        String wrong = WebhookSignature.sign("not-the-secret", body);
        assertRefusedWithoutChange(
                LlamaParseWebhooks.send(app, "", body, "LC-Signature", wrong), 401, "invalid_signature");
    }

    @Test
    void should_refuse_a_truncated_signature() {
        byte[] body = validBody();
        String signature = WebhookSignature.sign(ProviderStandIns.WEBHOOK_SECRET, body);
        String truncated = signature.substring(0, signature.length() - 2);
        assertRefusedWithoutChange(
                LlamaParseWebhooks.send(app, "", body, "LC-Signature", truncated), 401, "invalid_signature");
        assertRefusedWithoutChange(
                LlamaParseWebhooks.send(app, "", body, "X-Webhook-Signature", "zz-not-hex"), 401, "invalid_signature");
    }

    @Test
    void should_refuse_a_tampered_body() {
        byte[] signed = validBody();
        String signature = WebhookSignature.sign(ProviderStandIns.WEBHOOK_SECRET, signed);
        byte[] tampered = utf8(new String(signed, StandardCharsets.UTF_8).replace("parse.success", "parse.error"));
        assertRefusedWithoutChange(
                LlamaParseWebhooks.send(app, "", tampered, "LC-Signature", signature), 401, "invalid_signature");
    }

    @Test
    void should_refuse_a_signed_body_that_is_not_json_or_has_no_known_shape() {
        assertRefusedWithoutChange(
                LlamaParseWebhooks.sendWithLcSignature(app, "", utf8("this is not json")), 400, "bad_request");
        assertRefusedWithoutChange(
                LlamaParseWebhooks.sendWithLcSignature(app, "", utf8("[1,2,3]")), 400, "bad_request");
        assertRefusedWithoutChange(
                LlamaParseWebhooks.sendWithLcSignature(app, "", utf8("{\"hello\":\"world\"}")), 400, "bad_request");
    }

    @Test
    void should_refuse_a_body_over_one_mebibyte() {
        byte[] oversized = new byte[1024 * 1024 + 1];
        Arrays.fill(oversized, (byte) ' ');
        assertRefusedWithoutChange(
                LlamaParseWebhooks.sendWithLcSignature(app, "", oversized), 413, "payload_too_large");
    }

    @Test
    void should_answer_404_for_an_unknown_parse_job() {
        assertRefusedWithoutChange(
                LlamaParseWebhooks.sendWithLcSignature(
                        app, "", utf8(envelope("parse.success", "00000000-0000-0000-0000-000000000000"))),
                404,
                "not_found");
        assertRefusedWithoutChange(
                LlamaParseWebhooks.sendWithLcSignature(
                        app, "?correlation_id=nobody", utf8("{\"txt\":\"\",\"md\":\"\",\"json\":[],\"images\":[]}")),
                404,
                "not_found");
    }

    @Test
    void should_process_a_delivery_once_and_ignore_duplicates_and_late_events() {
        byte[] success = utf8(envelope("evt-success-1", "parse.success", parseJobId));
        // an early 'pending' event changes nothing
        RunningDocpipe.Response pending = LlamaParseWebhooks.sendWithLcSignature(
                app, "", utf8(envelope("evt-pending-1", "parse.pending", parseJobId)));
        assertThat(pending.json().path("status").asText()).isEqualTo("ignored");
        assertThat(status()).isEqualTo("parse_queued");

        RunningDocpipe.Response first = LlamaParseWebhooks.sendWithLcSignature(app, "", success);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().path("status").asText()).isEqualTo("processed");
        app.awaitJobStatus(jobId, "complete", Duration.ofSeconds(30));
        int events = eventCount();

        RunningDocpipe.Response duplicate = LlamaParseWebhooks.sendWithLcSignature(app, "", success);
        RunningDocpipe.Response late = LlamaParseWebhooks.sendWithPlainSignature(
                app, "", utf8(envelope("evt-pending-2", "parse.pending", parseJobId)));
        RunningDocpipe.Response again = LlamaParseWebhooks.sendWithLcSignature(
                app, "", utf8(envelope("evt-success-2", "parse.success", parseJobId)));

        assertThat(duplicate.status()).isEqualTo(200);
        assertThat(duplicate.json().path("status").asText()).isEqualTo("duplicate");
        assertThat(late.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("status").asText()).isEqualTo("ignored");
        assertThat(eventCount()).isEqualTo(events);
        assertThat(app.sql()
                        .queryForObject(
                                "SELECT count(*) FROM chunks c JOIN jobs j ON j.document_id = c.document_id "
                                        + "WHERE j.id = ?::uuid",
                                Integer.class,
                                jobId))
                .isPositive();
    }

    private static byte[] validBody() {
        return utf8(envelope("parse.success", parseJobId));
    }

    private static void assertRefusedWithoutChange(RunningDocpipe.Response response, int status, String code) {
        Map<String, Object> before = snapshot();
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        JsonNode error = response.json().path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(response.body())
                .doesNotContain(ProviderStandIns.WEBHOOK_SECRET)
                .doesNotContain("Exception");
        assertThat(snapshot()).isEqualTo(before);
    }

    private static Map<String, Object> snapshot() {
        return app.sql()
                .queryForMap(
                        "SELECT (SELECT count(*) FROM job_events) AS events, "
                                + "(SELECT count(*) FROM webhook_deliveries) AS deliveries, (SELECT count(*) FROM chunks) AS chunks");
    }

    private static String status() {
        return app.get("/api/v1/jobs/" + jobId).json().path("status").asText();
    }

    private static int eventCount() {
        return app.sql().queryForObject("SELECT count(*) FROM job_events WHERE job_id = ?::uuid", Integer.class, jobId);
    }
}
