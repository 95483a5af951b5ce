package io.docpipe.sweep;

import static org.apache.camel.builder.Builder.constant;
import static org.apache.camel.builder.Builder.method;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

/**
 * The shape of a sweep's Java route: {@code direct:<id>}, called by the Quartz route of routes/sweeps.yaml (or by
 * hand, from Hawtio), logging its run in {@code sweep_runs}. The route ends with the count of what it touched in
 * the body and {@code .bean("sweepRuns", "finish")}.
 */
public final class Sweep {

    private Sweep() {}

    public static RouteDefinition from(RouteBuilder routes, String id, String description) {
        return routes.from("direct:" + id)
                .routeId(id)
                .description(description)
                .setVariable(SweepRuns.SWEEP, constant(id))
                .setVariable(SweepRuns.RUN_ID, method("sweepRuns", "start"));
    }
}
