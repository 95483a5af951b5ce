package io.docpipe.search;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.FilterIndexInput;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.store.RandomAccessInput;
import org.apache.lucene.util.IOUtils;

/**
 * The index's files mapped into the process for searching (Lucene's {@code MMapDirectory}: an HNSW search reads
 * thousands of vectors at random, each from memory) but read through the page cache by Lucene's merges
 * ({@link PageCacheDirectory}). A merge reads every vector of the segments it merges, and builds the merged graph
 * over a temporary copy of them: mapped, every page of those files would count in the process's resident memory for
 * as long as the files live (1.2 GB at 200,000 chunks), although no search asked for them.
 *
 * <p>Lucene shares one open file between searches and merges, and a reader makes its own clone or slice of it
 * before reading; so the thread asking decides: a merge thread ({@link IndexMerges#inMergeThread()}) gets a clone or
 * slice read through the page cache, any other thread a mapped one.
 */
final class SearchMappedDirectory extends FilterDirectory {

    private final PageCacheDirectory pageCache;

    SearchMappedDirectory(Path path) throws IOException {
        super(new MMapDirectory(path));
        this.pageCache = new PageCacheDirectory(path);
    }

    @Override
    public IndexInput openInput(String name, IOContext context) throws IOException {
        if (IndexMerges.inMergeThread()) {
            return pageCache.openInput(name, context);
        }
        IndexInput mapped = in.openInput(name, context);
        return new Routed(mapped, new PageCacheFile(name, context), 0, true);
    }

    @Override
    public void close() throws IOException {
        IOUtils.close(in, pageCache);
    }

    /** The file read through the page cache, opened the first time a merge asks for it; its opener closes it. */
    private final class PageCacheFile {

        private final String name;
        private final IOContext context;
        private IndexInput input;

        PageCacheFile(String name, IOContext context) {
            this.name = name;
            this.context = context;
        }

        synchronized IndexInput input() throws IOException {
            if (input == null) {
                input = pageCache.openInput(name, context);
            }
            return input;
        }

        synchronized void close() throws IOException {
            if (input != null) {
                input.close();
            }
        }
    }

    /** A mapped file or slice of one; its clones and slices made by a merge thread are read through the page cache. */
    private static final class Routed extends FilterIndexInput {

        private final PageCacheFile file;
        /** Where this input begins in its file. */
        private final long start;
        /** The input that opened the file: it alone closes it. */
        private final boolean opener;

        Routed(IndexInput mapped, PageCacheFile file, long start, boolean opener) {
            super(mapped.toString(), mapped);
            this.file = file;
            this.start = start;
            this.opener = opener;
        }

        @Override
        public IndexInput clone() {
            try {
                if (IndexMerges.inMergeThread()) {
                    IndexInput read = file.input().slice(toString(), start, in.length());
                    read.seek(in.getFilePointer());
                    return read;
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + this + " through the page cache", e);
            }
            return new Routed(in.clone(), file, start, false);
        }

        @Override
        public IndexInput slice(String description, long offset, long length) throws IOException {
            if (IndexMerges.inMergeThread()) {
                PageCacheDirectory.checkSlice(description, offset, length, this);
                return file.input().slice(description, start + offset, length);
            }
            return new Routed(in.slice(description, offset, length), file, start + offset, false);
        }

        @Override
        public RandomAccessInput randomAccessSlice(long offset, long length) throws IOException {
            if (IndexMerges.inMergeThread()) {
                PageCacheDirectory.checkSlice("random access", offset, length, this);
                return file.input().randomAccessSlice(start + offset, length);
            }
            return in.randomAccessSlice(offset, length);
        }

        @Override
        public void close() throws IOException {
            try {
                in.close();
            } finally {
                if (opener) {
                    file.close();
                }
            }
        }

        // Lucene's FilterIndexInput passes on only the single reads: the bulk ones go to the mapped input's own too

        @Override
        public void skipBytes(long numBytes) throws IOException {
            in.skipBytes(numBytes);
        }

        @Override
        public void readBytes(byte[] b, int offset, int len, boolean useBuffer) throws IOException {
            in.readBytes(b, offset, len, useBuffer);
        }

        @Override
        public short readShort() throws IOException {
            return in.readShort();
        }

        @Override
        public int readInt() throws IOException {
            return in.readInt();
        }

        @Override
        public long readLong() throws IOException {
            return in.readLong();
        }

        @Override
        public int readVInt() throws IOException {
            return in.readVInt();
        }

        @Override
        public long readVLong() throws IOException {
            return in.readVLong();
        }

        @Override
        public void readLongs(long[] dst, int offset, int length) throws IOException {
            in.readLongs(dst, offset, length);
        }

        @Override
        public void readInts(int[] dst, int offset, int length) throws IOException {
            in.readInts(dst, offset, length);
        }

        @Override
        public void readFloats(float[] floats, int offset, int len) throws IOException {
            in.readFloats(floats, offset, len);
        }
    }
}
