package io.docpipe.provider;

import java.util.concurrent.atomic.AtomicLong;

/** What the health report shows of a provider: the last call's duration, errors so far, the last error. */
public class ServiceStats {

    private final AtomicLong errorCount = new AtomicLong();
    private volatile long lastResponseMillis = -1;
    private volatile String lastError;

    public void answered(long millis) {
        lastResponseMillis = millis;
    }

    public void failed(String error) {
        errorCount.incrementAndGet();
        lastError = error;
    }

    public long errorCount() {
        return errorCount.get();
    }

    /** -1 before the first call. */
    public long lastResponseMillis() {
        return lastResponseMillis;
    }

    public String lastError() {
        return lastError;
    }
}
