package io.docpipe.cost;

import static org.assertj.core.api.Assertions.assertThat;

import io.docpipe.DocpipeApplication;
import io.docpipe.testsupport.RouteTestDocpipe;
import java.util.Map;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The deliver-budget-alerts sweep at route level: run by calling it (its Quartz consumer replaced by a direct
 * endpoint), with the POST to ALERT_WEBHOOK_URL skipped and recorded by a mock endpoint ({@code mockEndpointsAndSkip})
 * instead of sent. BudgetTest delivers alerts end to end, to a real HTTP receiver.
 */
@CamelMainTest(
        mainClass = DocpipeApplication.class,
        properties = RouteTestDocpipe.NO_RELOAD,
        mockEndpointsAndSkip = "http*",
        replaceRouteFromWith = "sweep-deliver-budget-alerts=direct:sweep-deliver-budget-alerts")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BudgetAlertRoutesTest {

    private static final String RECEIVER = "http://localhost:9/alerts";

    private RouteTestDocpipe app;

    @BeanInject
    private CamelContext context;

    @Produce
    private ProducerTemplate template;

    @Configure
    void configure(MainConfigurationProperties main) {
        app = RouteTestDocpipe.configure(
                main, Map.of("docpipe.alert.webhook-url", RECEIVER, "docpipe.alert.retry-seconds", "3600"));
    }

    @BeforeEach
    void bind() {
        app.on(context);
        app.sql().update("DELETE FROM budget_alerts");
        receiver().reset();
    }

    @Test
    void should_post_each_raised_alert_once_as_json() throws Exception {
        long alert = raise(80);
        MockEndpoint receiver = receiver();
        receiver.expectedMessageCount(1);
        receiver.expectedHeaderReceived("Content-Type", "application/json");
        receiver.expectedHeaderReceived("CamelHttpMethod", "POST");

        deliver();
        receiver.assertIsSatisfied();
        assertThat(receiver.getReceivedExchanges().get(0).getMessage().getBody(String.class))
                .contains("\"threshold_percent\":80")
                .contains("\"service\":\"openai\"")
                .contains("openai daily budget 80% used ($32 of $40");
        assertThat(app.sql()
                        .queryForMap("SELECT delivered_at, delivery_attempts FROM budget_alerts WHERE id = ?", alert))
                .containsEntry("delivery_attempts", 1)
                .extractingByKey("delivered_at")
                .isNotNull();

        deliver();
        assertThat(receiver.getReceivedCounter())
                .as("a delivered alert is not posted again")
                .isOne();
    }

    @Test
    void should_keep_an_alert_the_receiver_refused_for_a_later_try() throws Exception {
        long alert = raise(100);
        receiver().whenAnyExchangeReceived(exchange -> {
            throw new IllegalStateException("the receiver answered 503");
        });

        deliver();
        Map<String, Object> refused = app.sql()
                .queryForMap(
                        "SELECT delivered_at, delivery_attempts, last_error, next_delivery_at > now() AS later FROM budget_alerts "
                                + "WHERE id = ?",
                        alert);
        assertThat(refused.get("delivered_at")).isNull();
        assertThat(refused.get("delivery_attempts")).isEqualTo(1);
        assertThat(refused.get("last_error")).isEqualTo("IllegalStateException: the receiver answered 503");
        assertThat(refused.get("later")).isEqualTo(true);

        // not due again before docpipe.alert.retry-seconds
        deliver();
        assertThat(receiver().getReceivedCounter()).isOne();
    }

    private long raise(int threshold) {
        return app.sql()
                .queryForObject(
                        "INSERT INTO budget_alerts (service, day, threshold_percent, committed_usd, "
                                + "budget_usd, raised_by) VALUES ('openai', current_date, ?, ? * 0.4, 40, 'test') RETURNING id",
                        Long.class,
                        threshold,
                        threshold);
    }

    private void deliver() {
        template.sendBody("direct:sweep-deliver-budget-alerts", null);
    }

    /**
     * The mock endpoint that stands in for ALERT_WEBHOOK_URL: the skip strategy names it after the HTTP endpoint's
     * key, without its parameters, and looks it up by that name, so this is the one it uses.
     */
    private MockEndpoint receiver() {
        return context.getEndpoint("mock:http:localhost:9/alerts", MockEndpoint.class);
    }
}
