package io.docpipe.embed;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * How a vector is stored in {@code embeddings.vector}: its float4 values in big-endian IEEE 754, as PostgreSQL's
 * {@code float4send} writes them (6 KiB for 1536 dimensions, sent as binary rather than as text).
 */
public final class VectorBytes {

    private VectorBytes() {}

    public static byte[] of(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES);
        bytes.asFloatBuffer().put(vector);
        return bytes.array();
    }

    public static float[] read(byte[] bytes) {
        FloatBuffer floats = ByteBuffer.wrap(bytes).asFloatBuffer();
        float[] vector = new float[floats.remaining()];
        floats.get(vector);
        return vector;
    }
}
