package io.docpipe.search;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Keeps one piece of the index's work (a batch of the follower's, a merge) to a share of its time while the machine's
 * processors are busy ({@link IndexWorkShare}). The work still goes on, slower, and runs at full speed again as soon
 * as processors are free; meanwhile search answers report what the index has not applied yet (index_lag).
 */
final class IndexPacer {

    /** Work between two looks at the pipeline and rests. */
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** The pipeline's state is asked at most this often. */
    private static final long BUSY_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A rest is taken in steps this long, so a stopping instance is not kept waiting. */
    private static final long REST_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final BooleanSupplier pipelineBusy;
    private final BooleanSupplier stopping;
    private final int busyPercent;
    private final LongSupplier clock;
    private final Rest rest;
    private long sliceStarted;
    private long busyCheckedAt;
    private boolean busy;

    /**
     * @param pipelineBusy whether the machine's processors are busy (the pipeline needs them)
     * @param stopping     whether the instance is stopping: the work is then given up
     * @param busyPercent  share of its time the work goes on while the pipeline is busy (100: no resting)
     */
    IndexPacer(BooleanSupplier pipelineBusy, BooleanSupplier stopping, int busyPercent) {
        this(pipelineBusy, stopping, busyPercent, System::nanoTime, LockSupport::parkNanos);
    }

    /** The share of its time the index may work while the pipeline is busy: from 1 to 100 %. */
    static void checkBusyPercent(int busyPercent) {
        if (busyPercent < 1 || busyPercent > 100) {
            throw new IllegalArgumentException(
                    "docpipe.search.busy-index-percent must be from 1 to 100, was " + busyPercent);
        }
    }

    /** What a rest does: waits about so many nanoseconds. */
    interface Rest {
        void nanos(long nanos);
    }

    /** @param clock nanoseconds; {@code rest} waits (a test's clock and rest move time on their own) */
    IndexPacer(BooleanSupplier pipelineBusy, BooleanSupplier stopping, int busyPercent, LongSupplier clock, Rest rest) {
        checkBusyPercent(busyPercent);
        this.pipelineBusy = pipelineBusy;
        this.stopping = stopping;
        this.busyPercent = busyPercent;
        this.clock = clock;
        this.rest = rest;
    }

    /** A batch or merge begins: its first slice of work starts now, and the pipeline is asked again. */
    void start() {
        sliceStarted = clock.getAsLong();
        busyCheckedAt = sliceStarted - BUSY_CHECK_NANOS;
    }

    /** After each piece of work: rests when the slice is used up and the pipeline is busy. */
    void pace() {
        long now = clock.getAsLong();
        long worked = now - sliceStarted;
        if (worked < SLICE_NANOS) {
            return;
        }
        if (busyPercent < 100 && now - busyCheckedAt >= BUSY_CHECK_NANOS) {
            busy = pipelineBusy.getAsBoolean();
            busyCheckedAt = now;
        }
        if (busy && busyPercent < 100) {
            restFor(worked * (100 - busyPercent) / busyPercent);
        }
        checkNotStopping();
        sliceStarted = clock.getAsLong();
    }

    private void restFor(long nanos) {
        long until = clock.getAsLong() + nanos;
        for (long left = nanos; left > 0; left = until - clock.getAsLong()) {
            checkNotStopping();
            rest.nanos(Math.min(left, REST_STEP_NANOS));
        }
    }

    private void checkNotStopping() {
        if (stopping.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("the instance is stopping: the batch being indexed is given up");
        }
    }
}
