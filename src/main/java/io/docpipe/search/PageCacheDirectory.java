package io.docpipe.search;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.lucene.store.BufferedIndexInput;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.FSLockFactory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;

/**
 * The index's files read with positional reads ({@code pread}), like Lucene's {@code NIOFSDirectory}: they pass
 * through the kernel's page cache, which the kernel sizes and reclaims, and are never mapped into the process. Lucene's
 * default on 64-bit, {@code MMapDirectory}, maps them: every page that searching, merging or building an HNSW graph
 * touches then counts in the process's resident memory, which grows with the index (1.2 GB of vectors for 200,000
 * chunks of 1536 floats).
 *
 * <p>Merges read through here ({@link SearchMappedDirectory}), and their reads are where they are paced
 * ({@link IndexMerges#pace()}).
 *
 * <p>Reads are buffered as in Lucene's {@code NIOFSDirectory}, but a vector (an HNSW graph visits thousands a search)
 * is read with one read of its own length instead of one per 1 KiB buffer.
 */
final class PageCacheDirectory extends FSDirectory {

    PageCacheDirectory(Path path) throws IOException {
        super(path, FSLockFactory.getDefault());
    }

    @Override
    public IndexInput openInput(String name, IOContext context) throws IOException {
        ensureOpen();
        ensureCanRead(name);
        Path file = getDirectory().resolve(name);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new Input("PageCacheDirectory(path=\"" + file + "\")", channel, 0, channel.size(), context);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Refuses a slice of {@code input} that does not lie within it, as Lucene's own inputs do. */
    static void checkSlice(String description, long offset, long length, IndexInput input) {
        if (offset < 0 || length < 0 || offset + length > input.length()) {
            throw new IllegalArgumentException("slice() " + description + " out of bounds: offset=" + offset
                    + ", length=" + length + " of " + input);
        }
    }

    /** A file or a slice of one: {@code length} bytes from {@code start}. */
    private static final class Input extends BufferedIndexInput {

        /** Bytes read at most at once (as Lucene's NIOFSDirectory): a vector of 4096 floats. */
        private static final int MAX_READ = 16 * 1024;

        private final FileChannel channel;
        private final long start;
        private final long length;
        /** Clones and slices share the channel of the input that opened the file, which alone closes it. */
        private boolean owner;
        /** The bytes of the last vector read past the buffer; each clone has its own. */
        private ByteBuffer floats;

        Input(String description, FileChannel channel, long start, long length, IOContext context) {
            super(description, context);
            this.channel = channel;
            this.start = start;
            this.length = length;
            this.owner = true;
        }

        private Input(String description, FileChannel channel, long start, long length, int bufferSize) {
            super(description, bufferSize);
            this.channel = channel;
            this.start = start;
            this.length = length;
        }

        @Override
        public Input clone() {
            Input clone = (Input) super.clone();
            clone.owner = false;
            clone.floats = null;
            return clone;
        }

        @Override
        public IndexInput slice(String description, long offset, long sliceLength) throws IOException {
            checkSlice(description, offset, sliceLength, this);
            return new Input(
                    getFullSliceDescription(description), channel, start + offset, sliceLength, getBufferSize());
        }

        @Override
        public long length() {
            return length;
        }

        /** A vector longer than the buffer is read at once, straight from the file. */
        @Override
        public void readFloats(float[] dst, int offset, int len) throws IOException {
            int bytes = len * Float.BYTES;
            if (bytes <= getBufferSize()) {
                super.readFloats(dst, offset, len);
                return;
            }
            long position = getFilePointer();
            if (floats == null || floats.capacity() < bytes) {
                floats = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
            }
            floats.clear().limit(bytes);
            read(floats, position);
            floats.flip();
            floats.asFloatBuffer().get(dst, offset, len);
            seek(position + bytes);
        }

        @Override
        protected void readInternal(ByteBuffer b) throws IOException {
            read(b, getFilePointer());
        }

        /**
         * Fills {@code b} from {@code position} of this input, at most {@link #MAX_READ} bytes a read: the JDK reads
         * into a heap buffer through a direct buffer of the read's size, which each thread keeps for its next read.
         */
        private void read(ByteBuffer b, long position) throws IOException {
            IndexMerges.pace(); // a merge building its graph reads a vector for every distance it computes
            if (position + b.remaining() > length) {
                throw new EOFException("read past EOF: " + this);
            }
            int end = b.limit();
            long at = start + position;
            while (b.position() < end) {
                b.limit(Math.min(end, b.position() + MAX_READ));
                int read = channel.read(b, at);
                if (read < 0) {
                    throw new EOFException("read past EOF: " + this);
                }
                at += read;
            }
        }

        @Override
        protected void seekInternal(long position) throws IOException {
            if (position > length) {
                throw new EOFException("read past EOF: seek to " + position + " of " + this);
            }
        }

        @Override
        public void close() throws IOException {
            if (owner) {
                channel.close();
            }
        }
    }
}
