package io.docpipe.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.docpipe.DocpipeApplication;
import io.docpipe.testsupport.RouteTestDocpipe;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Route receive-llamaparse-webhook at route level: its HTTP consumer replaced by a direct endpoint, so a test sends
 * a delivery's bytes and headers straight to the route and reads the answer it would send (status code and JSON).
 * The parse and fetch claims are direct endpoints too: a job waits in the state the test puts it in, and what the
 * webhook changed stays to be seen. The HTTP path itself is covered end to end by WebhookTest.
 */
@CamelMainTest(
        mainClass = DocpipeApplication.class,
        properties = RouteTestDocpipe.NO_RELOAD,
        replaceRouteFromWith = {
            "receive-llamaparse-webhook=direct:receive-llamaparse-webhook",
            "claim-parse-work=direct:claim-parse-work",
            "claim-fetch-work=direct:claim-fetch-work"
        })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookRoutesTest {

    private static final String SECRET = "route-level-webhook-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RouteTestDocpipe app;

    @BeanInject
    private CamelContext context;

    @Produce
    private ProducerTemplate template;

    @EndpointInject("mock:webhook-answered")
    private MockEndpoint answered;

    @Configure
    void configure(MainConfigurationProperties main) {
        app = RouteTestDocpipe.configure(main, Map.of("docpipe.llamaparse.webhook-secret", SECRET));
    }

    /** The extension boots docpipe just before the first test's @BeforeEach: advice the route once, then. */
    @BeforeEach
    void watchAnswers() throws Exception {
        if (app.context() == null) {
            app.on(context);
            // every answer the route gives also goes to a mock endpoint, where a test can check what left the route
            AdviceWith.adviceWith(context, "receive-llamaparse-webhook", route -> route.weaveAddLast()
                    .to("mock:webhook-answered"));
        }
        answered.reset();
    }

    @Test
    void should_mark_the_result_ready_once_and_answer_duplicates_and_unfinished_events_without_a_change()
            throws Exception {
        Job job = waitingForLlamaParse();
        JsonNode pending = deliver(envelope(UUID.randomUUID().toString(), "parse.pending", job.parseJobId), 200);
        assertThat(pending.path("status").asText()).isEqualTo("ignored");
        assertThat(readyAt(job)).isNull();

        answered.reset();
        answered.expectedMessageCount(1);
        answered.expectedHeaderReceived(Exchange.HTTP_RESPONSE_CODE, 200);
        String success = envelope("evt-" + UUID.randomUUID(), "parse.success", job.parseJobId);
        assertThat(deliver(success, 200).path("status").asText()).isEqualTo("processed");
        answered.assertIsSatisfied();
        assertThat(readyAt(job)).isNotNull();
        Map<String, Object> before = snapshot();

        assertThat(deliver(success, 200).path("status").asText()).isEqualTo("duplicate");
        assertThat(deliver(envelope(UUID.randomUUID().toString(), "parse.success", job.parseJobId), 200)
                        .path("status")
                        .asText())
                .isEqualTo("processed");
        // a second finished event for the same parse job is recorded, and changes nothing else
        Map<String, Object> after = snapshot();
        assertThat(after.get("events")).isEqualTo(before.get("events"));
        assertThat(after.get("ready")).isEqualTo(before.get("ready"));
        assertThat((Long) after.get("deliveries")).isEqualTo((Long) before.get("deliveries") + 1);
        assertThat(app.sql().queryForObject("SELECT status FROM jobs WHERE id = ?", String.class, job.id))
                .isEqualTo("parse_queued");
    }

    @Test
    void should_adopt_the_parse_job_of_an_upload_whose_answer_was_lost() throws Exception {
        Job job = uploaded();
        String parseJobId = "lp-" + UUID.randomUUID();
        Exchange answer =
                send(envelope("evt-" + UUID.randomUUID(), "parse.success", parseJobId), job.correlationId, true);

        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
        assertThat(json(answer).path("status").asText()).isEqualTo("processed");
        Map<String, Object> row =
                app.sql().queryForMap("SELECT status, parse_job_id, parse_ready_at FROM jobs WHERE id = ?", job.id);
        assertThat(row.get("status")).isEqualTo("parse_queued");
        assertThat(row.get("parse_job_id")).isEqualTo(parseJobId);
        assertThat(row.get("parse_ready_at")).isNotNull();
        assertThat(app.sql().queryForList("SELECT detail FROM job_events WHERE job_id = ?", String.class, job.id))
                .contains("adopted LlamaParse job " + parseJobId + " from its webhook (its upload's answer was lost)");
    }

    @Test
    void should_refuse_unsigned_wrongly_signed_unknown_and_shapeless_deliveries_without_a_change() throws Exception {
        Job job = waitingForLlamaParse();
        String body = envelope(UUID.randomUUID().toString(), "parse.success", job.parseJobId);
        Map<String, Object> before = snapshot();

        assertRefused(send(body, null, false), 401, "missing_signature");
        Exchange wrong = template.request("direct:receive-llamaparse-webhook", exchange -> {
            exchange.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8));
            exchange.getMessage()
                    .setHeader(
                            "LC-Signature",
                            WebhookSignature.sign("not-the-secret", body.getBytes(StandardCharsets.UTF_8)));
        });
        assertRefused(wrong, 401, "invalid_signature");
        assertRefused(
                send(envelope(UUID.randomUUID().toString(), "parse.success", "lp-nobody-knows"), null, true),
                404,
                "not_found");
        assertRefused(send("{\"hello\":\"world\"}", null, true), 400, "bad_request");
        assertRefused(send("this is not json", null, true), 400, "bad_request");

        assertThat(snapshot()).isEqualTo(before);
        assertThat(readyAt(job)).isNull();
        // each refusal left the route through its error handler: none reached the end of the route
        assertThat(answered.getReceivedCounter()).isZero();
    }

    private record Job(UUID id, String correlationId, String parseJobId) {}

    /** A job held before its parse (the parse claim is a direct endpoint nobody calls). */
    private Job uploaded() {
        JsonNode receipt = app.upload("webhook.txt", "A job waiting for its webhook " + UUID.randomUUID());
        return new Job(
                UUID.fromString(receipt.path("job_id").asText()),
                receipt.path("correlation_id").asText(),
                null);
    }

    /** A job whose document LlamaParse is parsing: submitted, waiting for the webhook. */
    private Job waitingForLlamaParse() {
        Job job = uploaded();
        String parseJobId = "lp-" + UUID.randomUUID();
        app.sql().update("UPDATE jobs SET status = 'parse_queued', parse_job_id = ? WHERE id = ?", parseJobId, job.id);
        return new Job(job.id, job.correlationId, parseJobId);
    }

    private JsonNode deliver(String body, int status) throws Exception {
        Exchange answer = send(body, null, true);
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE))
                .as(answer.getMessage().getBody(String.class))
                .isEqualTo(status);
        return json(answer);
    }

    /** Sends a delivery as the HTTP consumer hands it over: the body's bytes, query parameters as headers. */
    private Exchange send(String body, String correlationId, boolean signed) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return template.request("direct:receive-llamaparse-webhook", exchange -> {
            exchange.getMessage().setBody(bytes);
            if (signed) {
                exchange.getMessage().setHeader("LC-Signature", WebhookSignature.sign(SECRET, bytes));
            }
            if (correlationId != null) {
                exchange.getMessage().setHeader("correlation_id", correlationId);
            }
        });
    }

    private void assertRefused(Exchange answer, int status, String code) throws Exception {
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(status);
        assertThat(json(answer).path("error").path("code").asText()).isEqualTo(code);
        assertThat(answer.getMessage().getBody(String.class))
                .doesNotContain(SECRET)
                .doesNotContain("Exception");
    }

    private static JsonNode json(Exchange answer) throws Exception {
        return JSON.readTree(answer.getMessage().getBody(String.class));
    }

    private static String envelope(String eventId, String eventType, String parseJobId) {
        return "{\"event_id\":\"" + eventId + "\",\"event_type\":\"" + eventType
                + "\",\"timestamp\":1753985275.1154444," + "\"data\":{\"id\":\"" + parseJobId + "\",\"job_id\":\""
                + parseJobId + "\"}}";
    }

    private Object readyAt(Job job) {
        return app.sql().queryForObject("SELECT parse_ready_at FROM jobs WHERE id = ?", Object.class, job.id);
    }

    private Map<String, Object> snapshot() {
        return app.sql()
                .queryForMap("SELECT (SELECT count(*) FROM job_events) AS events, "
                        + "(SELECT count(*) FROM webhook_deliveries) AS deliveries, "
                        + "(SELECT count(*) FROM jobs WHERE parse_ready_at IS NOT NULL) AS ready");
    }
}
