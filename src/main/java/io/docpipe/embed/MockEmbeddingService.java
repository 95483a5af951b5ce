package io.docpipe.embed;

/** The free local stand-in for OpenAI embeddings: deterministic vectors derived from each chunk's text. */
public class MockEmbeddingService {

    public static final String PROVIDER = "mock";

    private final MockEmbedder embedder;
    private final String model;

    public MockEmbeddingService(MockEmbedder embedder, String model) {
        this.embedder = embedder;
        this.model = model;
    }

    public EmbeddedBatch embed(PendingBatch batch) {
        return new EmbeddedBatch(batch, embedder.embedAll(batch.texts()), PROVIDER, model, false, 0);
    }

    /** Vectors made in place of the real service while it is down; marked so that they are re-embedded later. */
    public EmbeddedBatch embedAsFallback(PendingBatch batch) {
        return new EmbeddedBatch(batch, embedder.embedAll(batch.texts()), PROVIDER, model, true, 0);
    }
}
