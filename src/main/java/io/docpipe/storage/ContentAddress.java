package io.docpipe.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The SHA-256 that names stored bytes. */
public final class ContentAddress {

    static final int BUFFER_BYTES = 64 * 1024;

    private ContentAddress() {}

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

    /** The SHA-256 a stored path names (its last segment), or null when it names none. */
    public static String ofPath(String storagePath) {
        String name = storagePath.substring(storagePath.lastIndexOf('/') + 1);
        return name.matches("[0-9a-f]{64}") ? name : null;
    }
}
