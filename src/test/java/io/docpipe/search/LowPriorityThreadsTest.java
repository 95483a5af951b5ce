package io.docpipe.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The index's work runs at low priority: the threads lowered are the index's own, read back from Linux. */
class LowPriorityThreadsTest {

    @BeforeAll
    static void onLinux() {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "threads have priorities of their own on Linux");
    }

    @Test
    void should_lower_the_threads_it_makes_and_no_other() throws Exception {
        int callerBefore = LowPriorityThreads.niceOfCurrentThread();
        ExecutorService lowered = Executors.newSingleThreadExecutor(
                new IndexWorkShare(19, () -> false, 100, () -> false).followerThreads("test-index"));
        try {
            int nice = lowered.submit(LowPriorityThreads::niceOfCurrentThread).get(30, TimeUnit.SECONDS);
            assertThat(nice).isEqualTo(19);
        } finally {
            lowered.shutdownNow();
        }
        assertThat(LowPriorityThreads.niceOfCurrentThread()).isEqualTo(callerBefore);
        int otherThread = CompletableFuture.supplyAsync(() -> {
                    try {
                        return LowPriorityThreads.niceOfCurrentThread();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .get(30, TimeUnit.SECONDS);
        assertThat(otherThread).isEqualTo(callerBefore);
    }

    @Test
    void should_leave_a_thread_alone_at_normal_priority_and_never_raise_one() throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            int[] nices = thread.submit(() -> {
                        int before = LowPriorityThreads.niceOfCurrentThread();
                        LowPriorityThreads.lowerCurrentThread(LowPriorityThreads.NORMAL);
                        int atNormal = LowPriorityThreads.niceOfCurrentThread();
                        boolean lowered = LowPriorityThreads.lowerCurrentThread(12);
                        int atTwelve = LowPriorityThreads.niceOfCurrentThread();
                        boolean again = LowPriorityThreads.lowerCurrentThread(5);
                        return new int[] {
                            before,
                            atNormal,
                            lowered ? 1 : 0,
                            atTwelve,
                            again ? 1 : 0,
                            LowPriorityThreads.niceOfCurrentThread()
                        };
                    })
                    .get(30, TimeUnit.SECONDS);
            assertThat(nices[1]).as("normal priority changes nothing").isEqualTo(nices[0]);
            assertThat(nices[2]).as("lowered to 12").isEqualTo(1);
            assertThat(nices[3]).isEqualTo(12);
            assertThat(nices[4]).as("already lower than 5").isEqualTo(1);
            assertThat(nices[5]).as("never raised").isEqualTo(12);
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void should_merge_in_lowered_threads() throws Exception {
        // Lucene's merge threads report their work to the writer's info stream: read their priority as they do
        Set<Integer> mergeNices = ConcurrentHashMap.newKeySet();
        MergeThreads.mergeSegments(
                new ByteBuffersDirectory(),
                new IndexWorkShare(17, () -> false, 100, () -> false),
                MergeThreads.onMergeThreads(() -> mergeNices.add(LowPriorityThreads.niceOfCurrentThread())),
                4);
        assertThat(mergeNices).containsExactly(17);
        assertThat(LowPriorityThreads.niceOfCurrentThread()).isNotEqualTo(17);
    }

    @Test
    void should_refuse_a_priority_linux_does_not_have() {
        assertThatThrownBy(() -> new IndexWorkShare(20, () -> false, 100, () -> false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("docpipe.search.index-nice must be from 0 to 19, was 20");
        assertThatThrownBy(() -> new IndexWorkShare(-1, () -> false, 100, () -> false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
