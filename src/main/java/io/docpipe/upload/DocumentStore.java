package io.docpipe.upload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Uploaded bytes, kept content-addressed under {@code <data dir>/documents/<first two hex digits>/<sha256>}
 * so that identical uploads share one file and a file's name proves its content.
 */
public class DocumentStore {

    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path dataDir;

    public DocumentStore(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** SHA-256 of a file, read in small buffers so a large upload never sits whole in memory. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[BUFFER_BYTES];
            for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read upload " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /**
     * Moves an uploaded temporary file to its content address. A file already there has the same bytes, so
     * the upload is then simply dropped.
     *
     * @return the stored path, relative to the data directory
     */
    public String keep(Path upload, String sha256) {
        String relative = "documents/" + sha256.substring(0, 2) + "/" + sha256;
        Path target = dataDir.resolve(relative);
        try {
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                Files.deleteIfExists(upload);
            } else {
                moveOrCopy(upload, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store upload as " + target, e);
        }
        return relative;
    }

    public Path resolve(String storagePath) {
        return dataDir.resolve(storagePath);
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
                Files.move(partial, to, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            Files.deleteIfExists(from);
        }
    }
}
