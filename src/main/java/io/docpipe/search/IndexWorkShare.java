package io.docpipe.search;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * How much of the machine the search index's work takes beside ingestion: the follower's insertions and Lucene's
 * merges. Inserting a vector into an HNSW graph costs far more processor than ingesting its chunk (a 1536-float
 * distance takes about a microsecond on Java 17, which has no vector instructions for it, and an insertion computes
 * thousands), so on a small machine an index kept up at full speed takes processors from ingestion. Two means keep it
 * to what ingestion leaves:
 *
 * <ul>
 *   <li>a low priority ({@code nice}, {@link LowPriorityThreads}): among the process's own threads the index's yield;
 *   <li>pacing ({@link IndexPacer}): while the processors are busy with other work than the index's
 *       ({@link ProcessorLoad}), the index works {@code busyPercent} of its time and rests the rest. A thread's
 *       priority does not reach PostgreSQL's processes, which Linux schedules as groups of their own.
 * </ul>
 *
 * @param nice        Linux priority of the index's threads, 0 (normal) to 19 (lowest)
 * @param load        whether the processors are busy with other work than the index's
 * @param busyPercent share of its time the index works while they are (100: it never rests)
 * @param stopping    whether the instance is stopping: the index's work is then given up
 */
public record IndexWorkShare(int nice, BooleanSupplier load, int busyPercent, BooleanSupplier stopping) {

    public IndexWorkShare {
        LowPriorityThreads.checkNice(nice);
        IndexPacer.checkBusyPercent(busyPercent);
    }

    /** At normal priority and never resting: the index takes what it needs (tests, rebuild benchmarks). */
    public static IndexWorkShare unlimited() {
        return new IndexWorkShare(LowPriorityThreads.NORMAL, () -> false, 100, () -> false);
    }

    /** The follower's threads, daemons named {@code name-N}, whose work is the index's ({@link #runAsIndexWork}). */
    public ThreadFactory followerThreads(String name) {
        AtomicInteger made = new AtomicInteger();
        return work -> {
            Thread thread = new Thread(() -> runAsIndexWork(work), name + "-" + made.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Runs {@code work} as the index's, on the calling thread (a thread of the index's own: the follower's or a
     * merge's): the thread is lowered to {@code nice} first, and its processor time is the index's until the work ends.
     */
    void runAsIndexWork(Runnable work) {
        LowPriorityThreads.lowerCurrentThread(nice);
        ProcessorLoad.countAsIndexWork();
        try {
            work.run();
        } finally {
            ProcessorLoad.indexWorkEnds();
        }
    }

    /** A pacer for one batch of the follower's or one merge's work. */
    IndexPacer pacer() {
        return new IndexPacer(load, stopping, busyPercent);
    }

    /** Lucene's merge scheduler for one index writer. */
    IndexMerges merges() {
        return new IndexMerges(this);
    }
}
