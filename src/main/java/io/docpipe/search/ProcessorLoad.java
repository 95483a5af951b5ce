package io.docpipe.search;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Whether the machine's processors are busy with other work than the search index's own, as the JVM sees them (a
 * container's own share when it runs in one): the index's work rests while they are, so ingestion and PostgreSQL keep
 * them. Documents waiting on LlamaParse or OpenAI leave them free, and the index then keeps up at full speed. The
 * index's own threads ({@link #countAsIndexWork()}) are left out, so an index catching up alone is not mistaken for a
 * busy pipeline.
 */
public final class ProcessorLoad {

    /** The machine's load is read at most this often; every pacer shares the reading. */
    private static final long READ_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The index's threads, with the processor time they had used at the last reading (ns; -1 before the first). */
    private static final Map<Long, Long> INDEX_THREADS = new ConcurrentHashMap<>();

    private final OperatingSystemMXBean system = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final int processors = Runtime.getRuntime().availableProcessors();
    private final double busyShare;
    private long readAt = System.nanoTime() - READ_EVERY_NANOS;
    private boolean busy;

    /**
     * @param busyPercent processor time in use by other work than the index's (%, all processors) from which they are
     *     busy
     */
    public ProcessorLoad(int busyPercent) {
        if (busyPercent < 1 || busyPercent > 100) {
            throw new IllegalArgumentException(
                    "docpipe.search.busy-cpu-percent must be from 1 to 100, was " + busyPercent);
        }
        this.busyShare = busyPercent / 100.0;
    }

    /** The calling thread does the index's work from now on: its processor time is not the pipeline's. */
    static void countAsIndexWork() {
        INDEX_THREADS.putIfAbsent(Thread.currentThread().getId(), -1L);
    }

    /** The calling thread's index work is over (a merge thread ending). */
    static void indexWorkEnds() {
        INDEX_THREADS.remove(Thread.currentThread().getId());
    }

    /**
     * Whether the processor time used since the last reading, less the index's, is at or above the busy share; not
     * busy when the system does not tell.
     */
    public synchronized boolean busy() {
        long now = System.nanoTime();
        long elapsed = now - readAt;
        if (elapsed < READ_EVERY_NANOS) {
            return busy;
        }
        double load = system.getCpuLoad(); // since the last reading; negative when not available
        long indexNanos = 0;
        for (Map.Entry<Long, Long> thread : INDEX_THREADS.entrySet()) {
            long used = threads.getThreadCpuTime(thread.getKey()); // -1 once the thread has ended
            if (used >= 0 && thread.getValue() >= 0) {
                indexNanos += used - thread.getValue();
            }
            thread.setValue(used);
        }
        double indexShare = indexNanos / ((double) elapsed * processors);
        busy = load >= 0 && load - indexShare >= busyShare;
        readAt = now;
        return busy;
    }
}
