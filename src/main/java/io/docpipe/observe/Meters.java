package io.docpipe.observe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;

/**
 * docpipe's own meters, in the registry Prometheus scrapes ({@code /observe/metrics}): job transitions by target
 * status, provider calls by service and outcome, provider spend, budget refusals and alerts, sweep work, and the
 * gauges of {@code cost.PipelineGauges}. The registry camel-main binds is looked up on first use, as it
 * may be bound after docpipe's beans are built; without metrics enabled, meters go to a registry nobody reads.
 */
public class Meters {

    private final CamelContext context;
    private volatile MeterRegistry registry;

    public Meters(CamelContext context) {
        this.context = context;
    }

    public void jobTransition(String toStatus) {
        registry().counter("docpipe.job.transitions", "to_status", toStatus).increment();
    }

    /** @param outcome ok, rejected, transient or unanswered */
    public void providerCall(String service, String outcome) {
        registry()
                .counter("docpipe.provider.calls", "service", service, "outcome", outcome)
                .increment();
    }

    /** USD a settled call cost ({@code docpipe_provider_cost_usd_total}). */
    public void providerCost(String service, double usd) {
        registry().counter("docpipe.provider.cost.usd", "service", service).increment(usd);
    }

    /** @param limit daily_budget or hourly_requests */
    public void budgetRefusal(String service, String limit) {
        registry()
                .counter("docpipe.budget.refusals", "service", service, "limit", limit)
                .increment();
    }

    public void budgetAlert(String service, int thresholdPercent) {
        registry()
                .counter(
                        "docpipe.budget.alerts",
                        "service",
                        service,
                        "threshold_percent",
                        String.valueOf(thresholdPercent))
                .increment();
    }

    /** Records a sweep touched (jobs retried, leases freed, rows purged, ...). */
    public void sweepWork(String sweep, int affected) {
        registry().counter("docpipe.sweep.affected", "sweep", sweep).increment(affected);
    }

    /** A gauge read at each scrape; register once the registry is bound (after the context has started). */
    public void gauge(String name, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).tags(tags).strongReference(true).register(registry());
    }

    private MeterRegistry registry() {
        MeterRegistry current = registry;
        if (current == null) {
            current = context.getRegistry().findSingleByType(MeterRegistry.class);
            if (current == null) {
                current = new SimpleMeterRegistry();
            }
            registry = current;
        }
        return current;
    }
}
