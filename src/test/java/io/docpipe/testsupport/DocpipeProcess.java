package io.docpipe.testsupport;

import static org.awaitility.Awaitility.await;

import io.docpipe.DocpipeApplication;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * docpipe started as its own JVM process ({@code java -cp <test classpath> io.docpipe.DocpipeApplication}), for
 * what one JVM cannot show: two instances clustering through the database only, or a process killed with SIGKILL
 * and started again on the same data. Settings are system properties; the output goes to a log file under target/.
 */
public final class DocpipeProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final URI baseUri;

    private DocpipeProcess(Process process, Path log, URI baseUri) {
        this.process = process;
        this.log = log;
        this.baseUri = baseUri;
    }

    /** An instance on the given database, with a data directory of its own. */
    public static DocpipeProcess start(String jdbcUrl, Map<String, String> properties) throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("docpipe.database.url", jdbcUrl);
        all.put(
                "docpipe.data-dir",
                Files.createTempDirectory("docpipe-process-").toString());
        all.putAll(properties);
        return start(all);
    }

    /** An instance on its embedded PostgreSQL in {@code dataDir}, as {@code java -jar} starts it. */
    public static DocpipeProcess startEmbedded(Path dataDir, Map<String, String> properties) throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("docpipe.database.url", "");
        all.put("docpipe.data-dir", dataDir.toString());
        all.putAll(properties);
        return start(all);
    }

    private static DocpipeProcess start(Map<String, String> properties) throws Exception {
        return start(properties, List.of("-Xmx512m"));
    }

    /** An instance on its embedded PostgreSQL in {@code dataDir}, with these JVM options (heap, say). */
    public static DocpipeProcess startEmbedded(Path dataDir, Map<String, String> properties, List<String> jvmOptions)
            throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("docpipe.database.url", "");
        all.put("docpipe.data-dir", dataDir.toString());
        all.putAll(properties);
        return start(all, jvmOptions);
    }

    private static DocpipeProcess start(Map<String, String> properties, List<String> jvmOptions) throws Exception {
        int port = properties.containsKey("camel.server.port")
                ? Integer.parseInt(properties.get("camel.server.port"))
                : RunningDocpipe.freePort();
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-Dcamel.server.port=" + port,
                "-Dcamel.management.port=" + RunningDocpipe.freePort(),
                "-Ddocpipe.database.pool-size=8",
                "-Dcamel.main.routes-reload-enabled=false"));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-cp", classPath(), DocpipeApplication.class.getName()));
        Path log = Files.createTempFile(Path.of("target"), "docpipe-process-", ".log");
        Process process = new ProcessBuilder(command)
                .directory(new File("."))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        DocpipeProcess started = new DocpipeProcess(process, log, URI.create("http://localhost:" + port));
        started.awaitHealthy(Duration.ofSeconds(120));
        return started;
    }

    /** This JVM's class path: the test run's, or, under exec:java, that of the class loader Maven made for it. */
    private static String classPath() {
        if (DocpipeProcess.class.getClassLoader() instanceof java.net.URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (java.net.URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    /** Waits until the business API answers its health check with 200. */
    public void awaitHealthy(Duration atMost) {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("docpipe process exited; see " + log);
            }
            try {
                return http.send(
                                        HttpRequest.newBuilder(baseUri.resolve("/api/v1/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    public URI baseUri() {
        return baseUri;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    /** The process's peak resident memory so far, in bytes ({@code VmHWM}; Linux). */
    public long peakRssBytes() throws IOException {
        return statusBytes("VmHWM");
    }

    /**
     * One memory figure of the process now, in bytes, from {@code /proc/<pid>/status} (Linux): e.g. {@code RssAnon}
     * (heap and native memory) or {@code RssFile} (mapped files: the jar, the search index); -1 when absent.
     */
    public long statusBytes(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }

    /** SIGKILL: no shutdown hook, no graceful stop; an embedded PostgreSQL is left running as an orphan. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The PostgreSQL serving {@code dataDir}, as its pid file names it. */
    public static Optional<ProcessHandle> postmaster(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postgres/postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        return ProcessHandle.of(
                Long.parseLong(Files.readAllLines(pidFile).get(0).trim()));
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: camel-main shuts down gracefully
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
