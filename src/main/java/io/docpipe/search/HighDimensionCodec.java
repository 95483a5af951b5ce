package io.docpipe.search;

import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * Lucene 9.12's default codec, whose HNSW vectors may have up to {@link #MAX_DIMENSIONS} dimensions instead of the
 * 1024 Lucene allows by default (OpenAI's models make 1536 and 3072).
 *
 * <p>Only the limit differs, and the limit is only checked while indexing: the format keeps the name and the files
 * of {@link Lucene99HnswVectorsFormat}, so the index stays a standard Lucene index that any Lucene 9.12 opens.
 */
public final class HighDimensionCodec extends Lucene912Codec {

    public static final int MAX_DIMENSIONS = 4096;

    private final KnnVectorsFormat vectors;

    /**
     * @param maxConnections neighbours kept per node of the graph (HNSW's M)
     * @param beamWidth      candidates considered while inserting a node (efConstruction)
     */
    public HighDimensionCodec(int maxConnections, int beamWidth) {
        this.vectors = new HighDimensionHnsw(new Lucene99HnswVectorsFormat(maxConnections, beamWidth));
    }

    @Override
    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return vectors;
    }

    /** Lucene's HNSW format under its own name, with a higher dimension limit. */
    private static final class HighDimensionHnsw extends KnnVectorsFormat {

        private final KnnVectorsFormat delegate;

        HighDimensionHnsw(KnnVectorsFormat delegate) {
            super(delegate.getName());
            this.delegate = delegate;
        }

        @Override
        public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
            return delegate.fieldsWriter(state);
        }

        @Override
        public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
            return delegate.fieldsReader(state);
        }

        @Override
        public int getMaxDimensions(String fieldName) {
            return MAX_DIMENSIONS;
        }
    }
}
