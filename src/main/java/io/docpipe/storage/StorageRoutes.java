package io.docpipe.storage;

import io.docpipe.sweep.Sweep;
import org.apache.camel.builder.RouteBuilder;

/**
 * The document store's sweep; its schedule is route sweep-purge-orphaned-files in routes/sweeps.yaml. Its bean,
 * {@code document.OrphanedFiles}, lives with the documents: which files are orphaned, only their versions tell.
 */
public class StorageRoutes extends RouteBuilder {

    @Override
    public void configure() {
        // spotless:off
        Sweep.from(this, "purge-orphaned-files", "Removes stored files no live document uses (an upload that never committed, a delete the store missed)")
                .bean("orphanedFiles", "purge")
                .bean("sweepRuns", "finish");
        // spotless:on
    }
}
