package io.docpipe.search;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/**
 * Whether the machine's processors are busy, as the JVM sees them (a container's own share when it runs in one): the
 * search index's follower rests while they are, so ingestion keeps them. Documents waiting on LlamaParse or OpenAI
 * leave them free, and the index then keeps up at full speed.
 */
public final class ProcessorLoad {

    private final OperatingSystemMXBean system = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final double busyShare;

    /** @param busyPercent processor time in use (%, all processors, this process's included) from which they are busy */
    public ProcessorLoad(int busyPercent) {
        if (busyPercent < 1 || busyPercent > 100) {
            throw new IllegalArgumentException(
                    "docpipe.search.busy-cpu-percent must be from 1 to 100, was " + busyPercent);
        }
        this.busyShare = busyPercent / 100.0;
    }

    /** Whether the recent processor use is at or above the busy share; not busy when the system does not tell. */
    public boolean busy() {
        return system.getCpuLoad() >= busyShare; // negative when not available
    }
}
