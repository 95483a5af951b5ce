package io.docpipe.cost;

import io.docpipe.job.JobVariables;
import io.docpipe.sweep.Sweep;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The budget's sweeps: releasing jobs rescheduled for a budget window that has opened, giving back reservations
 * nobody settled, and delivering budget alerts to {@code ALERT_WEBHOOK_URL}.
 */
public class CostRoutes extends RouteBuilder {

    @Override
    public void configure() {
        // spotless:off
        Sweep.from(this, "release-rescheduled-jobs", "Lets jobs rescheduled for a budget window go on once it has opened")
                .bean("rescheduledJobs", "releaseDue")
                .bean("sweepRuns", "finish");

        Sweep.from(this, "release-abandoned-reservations", "Gives back budget reservations whose process died before settling them")
                .bean("costLedger", "releaseAbandonedReservations(false, ${properties:docpipe.sweeps.batch-size})")
                .bean("sweepRuns", "finish");

        Sweep.from(this, "deliver-budget-alerts", "Posts raised budget alerts to ALERT_WEBHOOK_URL until it takes them")
                .choice()
                    .when(simple("'{{docpipe.alert.webhook-url}}' == ''"))
                        .setBody(constant(0))
                    .otherwise()
                        .bean("budgetAlertOutbox", "claim")
                        .split(body())
                            .to("direct:deliver-budget-alert")
                        .end()
                        .setBody(simple("${body.size}"))
                .end()
                .bean("sweepRuns", "finish");

        from("direct:deliver-budget-alert")
                .routeId("deliver-budget-alert")
                .description("Posts one budget alert as JSON; a refused or failed post is tried again later")
                .setVariable(JobVariables.ALERT_ID, simple("${body[id]}"))
                .doTry()
                    .bean("budgetAlertOutbox", "payload")
                    .marshal().json()
                    .removeHeaders("*")
                    .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                    .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                    .toD("${properties:docpipe.alert.webhook-url}?throwExceptionOnFailure=true"
                            + "&connectTimeout={{docpipe.alert.timeout-ms}}&responseTimeout={{docpipe.alert.timeout-ms}}")
                    .bean("budgetAlertOutbox", "delivered")
                .doCatch(Exception.class)
                    .bean("budgetAlertOutbox", "failed")
                .end();
        // spotless:on
    }
}
