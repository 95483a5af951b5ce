package io.docpipe.storage;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where uploaded bytes are kept: a local directory ({@link LocalDocumentStorage}) or any S3-compatible bucket
 * ({@link S3DocumentStorage}). Both address bytes by their SHA-256 alone, at the same relative path
 * ({@link #pathOf}), so identical uploads share one stored file and a store can be copied into another as is.
 *
 * <p>An upload is stored in two steps around the transaction that records it: {@link #prepare} writes the bytes
 * where that is slow (a bucket), outside any transaction; {@link #keep}, inside it and under the bytes' lock, makes
 * sure they are at their address when the rows commit. So no row ever names bytes that are not stored; bytes whose
 * rows never committed (a crash in between) are removed by the purge-orphaned-files sweep ({@code document.OrphanedFiles}).
 *
 * <p>Reads fail with {@link StorageUnavailableException} while the store cannot be reached (worth retrying) and with
 * {@link StoredFileMissingException} when the store answers that the bytes are not there.
 */
public interface DocumentStorage {

    /** The stored path of the bytes with this SHA-256: {@code documents/<first two hex digits>/<sha256>}. */
    static String pathOf(String sha256) {
        return "documents/" + sha256.substring(0, 2) + "/" + sha256;
    }

    /** {@code local} or {@code s3}, as {@code DOCPIPE_STORAGE} names it. */
    String kind();

    /** Where it keeps the bytes, for logs and health: a directory, or {@code s3://bucket/prefix}. */
    String location();

    /**
     * Before the upload's transaction, for bytes no live document has: stores them where that takes time (a bucket).
     * Nothing for a local directory.
     */
    void prepare(Path upload, StoredFile file);

    /**
     * Inside the upload's transaction, holding the bytes' lock: the bytes are at their address when this returns
     * (kept when already there, stored again if a delete removed them since {@link #prepare}).
     *
     * @return the stored path
     */
    String keep(Path upload, StoredFile file);

    /**
     * The stored bytes as a local file for a reader that needs one (Tika, PDFBox, a multipart upload to LlamaParse):
     * the stored file itself for a local directory, else a temporary copy streamed from the bucket (never held in
     * memory), removed when the copy is closed.
     */
    LocalCopy copy(String storagePath);

    /** The stored bytes as a stream; the caller closes it. */
    InputStream open(String storagePath);

    /**
     * How a client downloads the bytes: a link signed for {@code lifetime} ({@link Download.Link}, a bucket), or
     * the bytes themselves ({@link Download.Bytes}, a local directory).
     */
    Download download(String storagePath, String filename, String mediaType, Duration lifetime);

    /** Whether the bytes are stored. */
    boolean exists(String storagePath);

    /** Removes the bytes; nothing when they are gone already. */
    void remove(String storagePath);

    /** Every stored file, a page at a time, for the orphan sweep. */
    void list(Consumer<List<Entry>> page);

    /** Whether the store can be reached now, with the reason when it cannot. */
    Health check();

    /** What is stored with the bytes as metadata: their media type and the name of the upload that stored them. */
    record StoredFile(String sha256, String mediaType, String filename, long sizeBytes) {}

    /** A stored file as the store lists it. */
    record Entry(String storagePath, Instant lastModified) {}

    /** The store's health: {@code UP} or {@code DOWN} with a reason for people (no secrets, no stack trace). */
    record Health(boolean up, String error, long responseMillis) {}

    /** A download of stored bytes. */
    sealed interface Download {

        /** A signed, time-limited URL that needs no credentials. */
        record Link(String url, Instant expiresAt) implements Download {}

        /** The bytes, streamed. */
        record Bytes(InputStream stream) implements Download {}
    }

    /** Stored bytes as a local file; closing it removes a temporary copy. */
    interface LocalCopy extends AutoCloseable {

        Path path();

        @Override
        void close();
    }
}
