package io.docpipe.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the search index's work (the follower's insertions, Lucene's merges: {@link IndexMerges}) at a lower
 * scheduling priority than the rest of the process, so among docpipe's own threads ingestion goes first. It does not
 * reach other processes: Linux schedules each session (and each cgroup) as a group, and PostgreSQL's backends each
 * start a session of their own; pacing covers them ({@link IndexWorkShare}).
 *
 * <p>Linux schedules threads one by one, so {@code renice} given a thread's id lowers that thread alone (an
 * unprivileged process may lower its own threads). Where that cannot be done (no {@code /proc/thread-self}, no
 * {@code renice}) the work runs at normal priority, which is logged once.
 */
final class LowPriorityThreads {

    private static final Logger LOG = LoggerFactory.getLogger(LowPriorityThreads.class);

    /** Normal priority: nothing is lowered. */
    static final int NORMAL = 0;
    /** The lowest priority Linux has. */
    static final int LOWEST = 19;

    private static final Path THIS_THREAD = Path.of("/proc/thread-self");
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private LowPriorityThreads() {}

    /**
     * Lowers the calling thread's priority to {@code nice} (never raises it).
     *
     * @return whether the thread now runs at {@code nice} or lower
     */
    static boolean lowerCurrentThread(int nice) {
        checkNice(nice);
        if (nice == NORMAL) {
            return true;
        }
        try {
            if (niceOfCurrentThread() >= nice) {
                return true;
            }
            // /proc/thread-self links to <pid>/task/<tid>
            String threadId = Files.readSymbolicLink(THIS_THREAD).getFileName().toString();
            Process renice = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", threadId)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!renice.waitFor(10, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
            }
            if (niceOfCurrentThread() >= nice) {
                return true;
            }
            warnOnce("renice did not lower it");
        } catch (IOException | RuntimeException e) {
            warnOnce(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** The calling thread's nice value, field 19 of {@code /proc/thread-self/stat}. */
    static int niceOfCurrentThread() throws IOException {
        String stat = Files.readString(THIS_THREAD.resolve("stat"));
        // the command name, field 2, is in parentheses and may hold spaces: count fields after its closing one
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[19 - 3]);
    }

    static void checkNice(int nice) {
        if (nice < NORMAL || nice > LOWEST) {
            throw new IllegalArgumentException(
                    "docpipe.search.index-nice must be from " + NORMAL + " to " + LOWEST + ", was " + nice);
        }
    }

    private static void warnOnce(String why) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn(
                    "the search index's work runs at normal priority, beside ingestion ({}); it may slow ingestion on"
                            + " a small machine",
                    why);
        }
    }
}
