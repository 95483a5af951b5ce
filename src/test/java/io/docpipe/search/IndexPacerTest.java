package io.docpipe.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The follower's pacing, on a clock of the test's own: it rests only while the pipeline is busy. */
class IndexPacerTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong rested = new AtomicLong();
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger asked = new AtomicInteger();

    private IndexPacer pacer(int busyPercent) {
        return new IndexPacer(
                () -> {
                    asked.incrementAndGet();
                    return busy.get();
                },
                stopping::get,
                busyPercent,
                clock::get,
                nanos -> {
                    rested.addAndGet(nanos);
                    clock.addAndGet(nanos);
                });
    }

    /** Indexes so many chunks, each in 10 ms of the test's clock, pacing after each as the follower does. */
    private void indexChunks(IndexPacer pacer, int chunks) {
        for (int i = 0; i < chunks; i++) {
            clock.addAndGet(10 * MS);
            pacer.pace();
        }
    }

    @Test
    void should_work_a_tenth_of_the_time_while_the_pipeline_is_busy() {
        busy.set(true);
        IndexPacer pacer = pacer(10);
        pacer.start();
        indexChunks(pacer, 50);
        // 500 ms of work, 4.5 s of rest
        assertThat(rested.get()).isEqualTo(4_500 * MS);
    }

    @Test
    void should_not_rest_while_the_pipeline_is_idle_and_ask_about_it_once_a_second() {
        IndexPacer pacer = pacer(10);
        pacer.start();
        indexChunks(pacer, 300);
        assertThat(rested.get()).isZero();
        assertThat(asked.get()).isEqualTo(3);

        busy.set(true); // seen at the next look, at most a second later
        indexChunks(pacer, 100);
        assertThat(rested.get()).isPositive();
    }

    @Test
    void should_never_rest_at_100_percent() {
        busy.set(true);
        IndexPacer pacer = pacer(100);
        pacer.start();
        indexChunks(pacer, 300);
        assertThat(rested.get()).isZero();
        assertThat(asked.get()).isZero();
    }

    @Test
    void should_give_up_the_batch_when_the_instance_stops_even_while_resting() {
        busy.set(true);
        IndexPacer pacer = pacer(10);
        pacer.start();
        clock.addAndGet(100 * MS);
        stopping.set(true);
        assertThatThrownBy(pacer::pace).hasMessageContaining("stopping");
        assertThat(rested.get()).isZero();
    }
}
