package io.docpipe.search;

import io.docpipe.embed.EmbeddingRepository.SearchableChunk;
import io.docpipe.embed.VectorBytes;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A batch's chunks, read from PostgreSQL's snapshot at full speed and written to a local file, so the follower's
 * transaction ends before the slow part, inserting them into the HNSW graph, begins. A transaction held open while the
 * index works (paced, for minutes when it catches up) would keep PostgreSQL from vacuuming the rows ingestion updates
 * all the time (jobs, leases), and ingestion's claims would slow down on the dead rows.
 *
 * <p>The file holds each chunk's fields one after the other (lengths before strings and vectors, these as PostgreSQL
 * stores them); it lives beside the
 * index's directory, is overwritten by the next batch and deleted once the batch is applied.
 */
final class ChunkSpool implements Closeable {

    private final Path file;
    private DataOutputStream out;
    private int chunks;

    private ChunkSpool(Path file) throws IOException {
        this.file = file;
        this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024));
    }

    /** A new, empty spool in {@code file} (what a crashed batch left there is overwritten). */
    static ChunkSpool create(Path file) {
        try {
            return new ChunkSpool(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the search index's spool " + file, e);
        }
    }

    /** Appends a chunk. */
    void write(SearchableChunk chunk) {
        try {
            out.writeLong(chunk.chunkId());
            out.writeLong(chunk.documentId().getMostSignificantBits());
            out.writeLong(chunk.documentId().getLeastSignificantBits());
            writeString(chunk.filename());
            out.writeBoolean(chunk.sourceId() != null);
            if (chunk.sourceId() != null) {
                writeString(chunk.sourceId());
            }
            out.writeInt(chunk.ordinal());
            writeString(chunk.text());
            writeString(chunk.provider());
            writeString(chunk.model());
            out.writeBoolean(chunk.fallback());
            byte[] vector = VectorBytes.of(chunk.vector());
            out.writeInt(vector.length);
            out.write(vector);
            chunks++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the search index's spool " + file, e);
        }
    }

    /** How many chunks were written. */
    int chunks() {
        return chunks;
    }

    /** Gives every chunk written, in order, to {@code sink}; the spool is then done writing. */
    void replay(Consumer<SearchableChunk> sink) {
        try {
            out.close();
            try (DataInputStream in =
                    new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 64 * 1024))) {
                for (int i = 0; i < chunks; i++) {
                    sink.accept(read(in));
                }
                if (in.read() != -1) {
                    throw new IOException("the spool holds more than the " + chunks + " chunks written");
                }
            }
        } catch (EOFException e) {
            throw new UncheckedIOException("the search index's spool " + file + " ended early", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the search index's spool " + file, e);
        }
    }

    private SearchableChunk read(DataInputStream in) throws IOException {
        long chunkId = in.readLong();
        UUID documentId = new UUID(in.readLong(), in.readLong());
        String filename = readString(in);
        String sourceId = in.readBoolean() ? readString(in) : null;
        int ordinal = in.readInt();
        String text = readString(in);
        String provider = readString(in);
        String model = readString(in);
        boolean fallback = in.readBoolean();
        float[] vector = VectorBytes.read(readBytes(in));
        return new SearchableChunk(
                chunkId, documentId, filename, sourceId, ordinal, text, provider, model, fallback, vector);
    }

    private void writeString(String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return bytes;
    }

    /** Deletes the file. */
    @Override
    public void close() throws IOException {
        try {
            out.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
