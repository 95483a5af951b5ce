package io.docpipe.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.docpipe.DocpipeApplication;

/**
 * docpipe started as its own JVM process ({@code java -cp <test classpath> io.docpipe.DocpipeApplication}), for
 * what one JVM cannot show: two instances clustering through the database only. Settings are system properties;
 * the output goes to a log file under target/.
 */
public final class DocpipeProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private DocpipeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static DocpipeProcess start(String jdbcUrl, Map<String, String> properties) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dcamel.server.port=" + port,
                "-Dcamel.management.port=" + freePort(),
                "-Ddocpipe.database.url=" + jdbcUrl,
                "-Ddocpipe.database.pool-size=8",
                "-Ddocpipe.data-dir=" + Files.createTempDirectory("docpipe-process-"),
                "-Dcamel.main.routes-reload-enabled=false"));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DocpipeApplication.class.getName()));
        Path log = Files.createTempFile(Path.of("target"), "docpipe-process-", ".log");
        Process process = new ProcessBuilder(command).directory(new File(".")).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        DocpipeProcess started = new DocpipeProcess(process, log);
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("docpipe process exited; see " + log);
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return started;
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: camel-main shuts down gracefully
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
