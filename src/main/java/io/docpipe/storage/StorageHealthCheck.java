package io.docpipe.storage;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Camel health check ({@code /observe/health}): docpipe is not ready while its document store cannot be reached
 * (uploads are refused, parses wait), but it is alive: restarting it would not bring the store back.
 */
public class StorageHealthCheck extends AbstractHealthCheck {

    private final DocumentStorage storage;

    public StorageHealthCheck(DocumentStorage storage) {
        super("docpipe", "storage");
        this.storage = storage;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        DocumentStorage.Health health = storage.check();
        if (health.up()) {
            builder.up();
        } else {
            builder.down().message(health.error());
        }
        builder.detail("storage", storage.kind());
        builder.detail("response_ms", health.responseMillis());
    }
}
