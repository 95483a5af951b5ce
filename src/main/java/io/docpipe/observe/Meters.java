package io.docpipe.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;

/**
 * docpipe's own meters, in the registry Prometheus scrapes ({@code /observe/metrics}): job transitions by target
 * status, and provider calls by service and outcome. The registry camel-main binds is looked up on first use, as it
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
        registry().counter("docpipe.provider.calls", "service", service, "outcome", outcome).increment();
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
