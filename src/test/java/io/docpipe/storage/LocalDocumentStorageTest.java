package io.docpipe.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The content-addressed store keeps identical uploads as one intact file, also across file systems. */
class LocalDocumentStorageTest {

    @Test
    void should_keep_twin_uploads_from_another_file_system_as_one_intact_file() throws Exception {
        // the HTTP server's upload directory on tmpfs, the documents on disk: moving means copying
        Path incoming = Files.createTempDirectory(
                Path.of(Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : "/tmp"), "incoming-");
        Path dataDir = Files.createTempDirectory("docpipe-store-");
        byte[] bytes = new byte[8 * 1024 * 1024];
        new Random(7).nextBytes(bytes);
        LocalDocumentStorage store = new LocalDocumentStorage(dataDir);
        List<Path> twins = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Path twin = incoming.resolve("upload-" + i);
            Files.write(twin, bytes);
            twins.add(twin);
        }
        String sha256 = ContentAddress.sha256(twins.get(0));
        DocumentStorage.StoredFile file =
                new DocumentStorage.StoredFile(sha256, "application/octet-stream", "twin", bytes.length);

        ExecutorService threads = Executors.newFixedThreadPool(twins.size());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> kept = new ArrayList<>();
        for (Path twin : twins) {
            kept.add(threads.submit(() -> {
                start.await();
                return store.keep(twin, file);
            }));
        }
        start.countDown();
        for (Future<String> path : kept) {
            assertThat(path.get()).isEqualTo("documents/" + sha256.substring(0, 2) + "/" + sha256);
        }
        threads.shutdown();

        Path stored = store.resolve("documents/" + sha256.substring(0, 2) + "/" + sha256);
        assertThat(Files.readAllBytes(stored)).isEqualTo(bytes);
        try (Stream<Path> files = Files.list(stored.getParent())) {
            assertThat(files).containsExactly(stored);
        }
        try (Stream<Path> left = Files.list(incoming)) {
            assertThat(left).isEmpty();
        }
    }
}
