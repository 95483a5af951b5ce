package io.docpipe.embed;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic stand-in vectors: the text's SHA-256 seeds a random generator whose Gaussian draws, L2-normalised,
 * make the vector. The same text always gets the same vector; different texts get unrelated ones.
 */
public class MockEmbedder {

    private final int dimensions;

    public MockEmbedder(int dimensions) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be positive, was " + dimensions);
        }
        this.dimensions = dimensions;
    }

    public float[] embed(String text) {
        SplittableRandom random = new SplittableRandom(seed(text));
        double[] values = new double[dimensions];
        double sumOfSquares = 0;
        for (int i = 0; i < dimensions; i++) {
            values[i] = random.nextGaussian();
            sumOfSquares += values[i] * values[i];
        }
        double norm = Math.sqrt(sumOfSquares);
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) (values[i] / norm);
        }
        return vector;
    }

    public List<float[]> embedAll(List<String> texts) {
        return texts.stream().map(this::embed).toList();
    }

    private static long seed(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
