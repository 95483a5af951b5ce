package io.docpipe.search;

import java.io.IOException;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.MergePolicy;
import org.apache.lucene.index.MergePolicy.OneMerge;

/**
 * Lucene's merges of the search index: each runs in a thread of its own, as Lucene's {@link ConcurrentMergeScheduler}
 * runs them, but that thread first lowers its priority, counts as the index's work, and is known as a merge thread:
 * its reads go through the page cache ({@link SearchMappedDirectory}) and are paced there ({@link #pace()}), since a
 * merge reads a vector for every distance it computes while it builds the merged HNSW graph.
 */
final class IndexMerges extends ConcurrentMergeScheduler {

    /** The merge the calling thread runs and its pacer; null in any other thread. */
    private static final ThreadLocal<Running> RUNNING = new ThreadLocal<>();

    private record Running(OneMerge merge, IndexPacer pacer) {}

    private final IndexWorkShare share;

    IndexMerges(IndexWorkShare share) {
        this.share = share;
        // Lucene slows merges' writes to keep searches' reads fast on a busy disk; here merges are paced by processor
        // instead, and a throttled merge only delays an index catching up
        disableAutoIOThrottle();
    }

    /** Whether the calling thread is running one of the index's merges. */
    static boolean inMergeThread() {
        return RUNNING.get() != null;
    }

    /**
     * Called as a merge reads: rests when its pacer says so; ends the merge when it was aborted (the index closing),
     * which Lucene otherwise notices only when the merge writes, after its graph is built.
     */
    static void pace() throws IOException {
        Running running = RUNNING.get();
        if (running == null) {
            return;
        }
        try {
            running.pacer().pace();
        } catch (IllegalStateException stopping) {
            throw new MergePolicy.MergeAbortedException("the instance is stopping: merge given up");
        }
        if (running.merge().isAborted()) {
            throw new MergePolicy.MergeAbortedException(
                    "merge aborted: " + running.merge().segString());
        }
    }

    @Override
    protected synchronized MergeThread getMergeThread(MergeSource mergeSource, OneMerge merge) {
        // as Lucene makes them, but known, lowered and paced
        MergeThread thread = new MergeThread(mergeSource, merge) {
            @Override
            public void run() {
                IndexPacer pacer = share.pacer();
                pacer.start();
                RUNNING.set(new Running(merge, pacer));
                try {
                    share.runAsIndexWork(super::run);
                } finally {
                    RUNNING.remove();
                }
            }
        };
        thread.setDaemon(true);
        thread.setName("Lucene Merge Thread #" + mergeThreadCount++);
        return thread;
    }
}
