package io.docpipe.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.docpipe.job.CorrelationContext;
import io.docpipe.testsupport.RunningDocpipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

/**
 * Every log line about a job or request carries that job's correlation id and nobody else's, on every thread: the
 * HTTP server's pooled workers, the stages' pools and Quartz. Uploads and deliveries refused for their signature are
 * interleaved on the same few HTTP worker threads, which is how one request used to lend the next its id.
 */
class CorrelationLoggingTest {

    private static final Pattern TRANSITION = Pattern.compile("job ([0-9a-f-]{36}) [a-z_]+ -> [a-z_]+.*");
    private static final Pattern ACCEPTED =
            Pattern.compile("accepted .* as document [0-9a-f-]{36} with job ([0-9a-f-]{36})");

    @Test
    void should_log_each_request_and_job_with_its_own_correlation_id_only() throws Exception {
        ConcurrentLinkedQueue<LogEvent> events = new ConcurrentLinkedQueue<>();
        AbstractAppender capture =
                new AbstractAppender("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        events.add(event.toImmutable());
                    }
                };
        capture.start();
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        LoggerConfig docpipe = logging.getConfiguration().getLoggerConfig("io.docpipe");
        docpipe.addAppender(capture, Level.DEBUG, null);
        logging.updateLoggers();
        // the state machine logs each move at DEBUG: they are the lines written on the stages' threads
        Configurator.setLevel("io.docpipe.job.JobStateMachine", Level.DEBUG);
        try (RunningDocpipe app = RunningDocpipe.start(Map.of("docpipe.llamaparse.webhook-secret", "a-secret"))) {
            List<String> jobs = interleave(app, 60);
            for (String job : jobs) {
                app.awaitJobStatus(job, "complete", Duration.ofSeconds(60));
            }
            Map<String, String> correlationIds = new java.util.HashMap<>();
            app.sql()
                    .queryForList("SELECT id::text AS id, correlation_id FROM jobs")
                    .forEach(row -> correlationIds.put((String) row.get("id"), (String) row.get("correlation_id")));

            int checked = 0;
            for (LogEvent event : events) {
                String message = event.getMessage().getFormattedMessage();
                String cid = event.getContextData().getValue(CorrelationContext.CORRELATION_ID);
                Matcher transition = TRANSITION.matcher(message);
                Matcher accepted = ACCEPTED.matcher(message);
                if (transition.matches() || accepted.matches()) {
                    String job = transition.matches() ? transition.group(1) : accepted.group(1);
                    assertThat(cid)
                            .as("[%s] %s", event.getThreadName(), message)
                            .isEqualTo(correlationIds.get(job));
                    checked++;
                } else if (message.startsWith("rejected a webhook delivery")) {
                    assertThat(cid)
                            .as("[%s] %s", event.getThreadName(), message)
                            .isNull();
                    checked++;
                }
            }
            // every upload's line, every refused delivery's, and each job's moves on the parse and chunk threads
            assertThat(checked).isGreaterThanOrEqualTo(60 * 4);
        } finally {
            Configurator.setLevel("io.docpipe.job.JobStateMachine", Level.INFO);
            docpipe.removeAppender(capture.getName());
            logging.updateLoggers();
        }
    }

    /** Uploads and badly signed webhook deliveries, alternating, from several clients. */
    private static List<String> interleave(RunningDocpipe app, int uploads) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < uploads; i++) {
                byte[] text = ("Correlated document " + i).getBytes(StandardCharsets.UTF_8);
                results.add(clients.submit(
                        () -> app.upload("doc.txt", text).json().path("job_id").asText()));
                results.add(clients.submit(() -> {
                    RunningDocpipe.Response refused = app.send(app.request("/api/v1/webhooks/llamaparse")
                            .header("LC-Signature", "sha256=00")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"event_id\":\"x\"}")));
                    assertThat(refused.status()).isEqualTo(401);
                    return null;
                }));
            }
            List<String> jobs = new ArrayList<>();
            for (Future<String> result : results) {
                String job = result.get();
                if (job != null) {
                    jobs.add(job);
                }
            }
            return jobs;
        } finally {
            clients.shutdown();
        }
    }
}
