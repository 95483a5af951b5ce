package io.docpipe.config;

import io.docpipe.document.OrphanedFiles;
import io.docpipe.storage.DocumentStorage;
import io.docpipe.storage.S3DocumentStorage;
import io.docpipe.storage.StorageOutage;
import io.docpipe.storage.StorageUnavailableException;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The document store, what happens to a job whose document cannot be read, and the orphaned files' sweep. */
final class StorageWiring {

    private static final Logger LOG = LoggerFactory.getLogger(StorageWiring.class);

    private StorageWiring() {}

    /**
     * The document store of {@code DOCPIPE_STORAGE}, bound as {@code documentStorage} (and a bucket's kept client as
     * {@code s3Client}), closed when docpipe stops. A bucket is tried once: credentials it refuses stop the start
     * with one line; a bucket that cannot be reached now is logged and shown by {@code /api/v1/health} until it can.
     */
    static DocumentStorage open(CamelContext context, Settings settings) throws Exception {
        DocumentStorage storage = StorageSettings.open(settings);
        if (storage instanceof S3DocumentStorage bucket) {
            context.addService(
                    new ServiceSupport() {
                        @Override
                        protected void doStop() {
                            bucket.close();
                        }
                    },
                    true,
                    true);
            context.getRegistry().bind("s3Client", bucket.client());
            bucket.clearSpool(Duration.ofHours(1));
            try {
                bucket.verify();
            } catch (StorageUnavailableException e) {
                if (e.credentialsRefused()) {
                    throw new StartupRefusedException(e.getMessage() + " (DOCPIPE_STORAGE=s3)");
                }
                LOG.warn(
                        "the document store {} cannot be reached now: {}; uploads and parses wait for it",
                        storage.location(),
                        e.getMessage());
            }
        }
        context.getRegistry().bind("documentStorage", storage);
        LOG.info("documents stored in {} ({})", storage.location(), storage.kind());
        return storage;
    }

    /** The sweep that removes stored bytes no document uses; returns how the stages treat an unreadable store. */
    static StorageOutage bind(Foundation f) {
        Settings settings = f.settings();
        f.registry()
                .bind(
                        "orphanedFiles",
                        new OrphanedFiles(
                                f.storage(),
                                f.jdbc(),
                                f.tx(),
                                f.versions(),
                                Duration.ofHours(settings.number("docpipe.storage.orphan-grace-hours")),
                                f.clock(),
                                settings.integer("docpipe.sweeps.batch-size")));
        return new StorageOutage(
                f.stateMachine(), Duration.ofSeconds(settings.number("docpipe.storage.retry-seconds")), f.clock());
    }
}
