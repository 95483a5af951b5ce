package io.docpipe.config;

import io.docpipe.sweep.ExpiredLeases;
import io.docpipe.sweep.FailedJobRetries;
import io.docpipe.sweep.RetentionPurge;
import io.docpipe.sweep.SweepRuns;
import io.docpipe.sweep.SweepScheduler;

/** Clustered Quartz on docpipe's database, the sweeps' run log, and the sweeps that retry, rescue and purge jobs. */
final class SweepWiring {

    private SweepWiring() {}

    static void bind(Foundation f) throws Exception {
        Settings settings = f.settings();
        SweepScheduler.configure(
                f.context(),
                f.dataSource(),
                settings.string("docpipe.sweeps.cluster-name"),
                f.instanceId(),
                settings.integer("docpipe.sweeps.threads"),
                settings.number("docpipe.sweeps.cluster-checkin-ms"));
        int batchSize = settings.integer("docpipe.sweeps.batch-size");
        f.registry().bind("sweepRuns", new SweepRuns(f.jdbc(), f.instanceId(), f.meters()));
        f.registry()
                .bind("failedJobRetries", new FailedJobRetries(f.jdbc(), f.stateMachine(), f.maxAttempts(), batchSize));
        f.registry().bind("expiredLeases", new ExpiredLeases(f.jdbc(), f.stateMachine(), f.maxAttempts(), batchSize));
        f.registry()
                .bind(
                        "retentionPurge",
                        new RetentionPurge(
                                f.jdbc(),
                                settings.integer("docpipe.retention.events-days"),
                                settings.integer("docpipe.retention.ledger-days"),
                                settings.integer("docpipe.retention.sweep-runs-days"),
                                settings.integer("docpipe.retention.search-changes-days")));
    }
}
