package io.docpipe.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Uploaded bytes kept content-addressed under {@code <data dir>/documents/<first two hex digits>/<sha256>}
 * ({@code DOCPIPE_STORAGE=local}, the default): identical uploads share one file and a file's name proves its
 * content. Instances on several machines must share the data directory (a mounted volume) to read each other's.
 */
public class LocalDocumentStorage implements DocumentStorage {

    private static final int PAGE = 1000;

    private final Path dataDir;

    public LocalDocumentStorage(Path dataDir) {
        this.dataDir = dataDir;
    }

    @Override
    public String kind() {
        return "local";
    }

    @Override
    public String location() {
        return dataDir.resolve("documents").toString();
    }

    /** A move into the directory is quick: it happens in {@link #keep}, under the bytes' lock. */
    @Override
    public void prepare(Path upload, StoredFile file) {
        // nothing slow to do first
    }

    /**
     * Moves the uploaded temporary file to its content address, flushed to disk with its directory entry before the
     * upload's rows commit: an upload answered 202 keeps its bytes through an OS crash or a power loss, as its rows
     * do. A file already there has the same bytes, so the upload is then simply dropped.
     */
    @Override
    public String keep(Path upload, StoredFile file) {
        String relative = DocumentStorage.pathOf(file.sha256());
        Path target = dataDir.resolve(relative);
        try {
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                Files.deleteIfExists(upload);
            } else {
                flush(upload);
                moveOrCopy(upload, target);
                flushDirectory(target.getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store upload as " + target, e);
        }
        return relative;
    }

    public Path resolve(String storagePath) {
        return dataDir.resolve(storagePath);
    }

    @Override
    public LocalCopy copy(String storagePath) {
        Path stored = resolve(storagePath);
        if (!Files.isRegularFile(stored)) {
            throw new StoredFileMissingException(storagePath);
        }
        return new LocalCopy() {
            @Override
            public Path path() {
                return stored;
            }

            @Override
            public void close() {
                // the stored file itself: nothing to remove
            }
        };
    }

    @Override
    public InputStream open(String storagePath) {
        try {
            return Files.newInputStream(resolve(storagePath));
        } catch (NoSuchFileException e) {
            throw new StoredFileMissingException(storagePath);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stored file " + storagePath, e);
        }
    }

    @Override
    public Download download(String storagePath, String filename, String mediaType, Duration lifetime) {
        return new Download.Bytes(open(storagePath));
    }

    @Override
    public boolean exists(String storagePath) {
        return Files.isRegularFile(resolve(storagePath));
    }

    @Override
    public void remove(String storagePath) {
        try {
            Files.deleteIfExists(resolve(storagePath));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the stored file " + storagePath, e);
        }
    }

    @Override
    public void list(Consumer<List<Entry>> page) {
        Path documents = dataDir.resolve("documents");
        if (!Files.isDirectory(documents)) {
            return;
        }
        List<Entry> entries = new ArrayList<>(PAGE);
        try (Stream<Path> files = Files.walk(documents, 2)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String relative = dataDir.relativize(file).toString().replace('\\', '/');
                if (ContentAddress.ofPath(relative) == null) {
                    continue; // a .partial copy of an upload under way, or something that is not ours
                }
                try {
                    entries.add(
                            new Entry(relative, Files.getLastModifiedTime(file).toInstant()));
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (entries.size() == PAGE) {
                    page.accept(List.copyOf(entries));
                    entries.clear();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + documents, e);
        }
        if (!entries.isEmpty()) {
            page.accept(List.copyOf(entries));
        }
    }

    @Override
    public Health check() {
        long start = System.nanoTime();
        Path documents = dataDir.resolve("documents");
        boolean up = Files.isDirectory(documents) ? Files.isWritable(documents) : Files.isWritable(dataDir);
        return new Health(up, up ? null : documents + " is not writable", (System.nanoTime() - start) / 1_000_000);
    }

    /** fsync: the file's bytes are on disk. */
    private static void flush(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** fsync of a directory: the names just moved into it are on disk (where the platform can open a directory). */
    private static void flushDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // not every platform opens directories; Linux, where docpipe runs, does
        }
    }

    private static void moveOrCopy(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // the upload directory is on another file system: copy beside the target under a name of this upload's
            // own (two identical uploads at once must not write one file), then rename atomically
            Path partial = to.resolveSibling(to.getFileName() + "." + UUID.randomUUID() + ".partial");
            try {
                Files.copy(from, partial);
                flush(partial);
                Files.move(partial, to, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            Files.deleteIfExists(from);
        }
    }
}
