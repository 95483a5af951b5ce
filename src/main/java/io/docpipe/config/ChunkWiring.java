package io.docpipe.config;

import io.docpipe.chunk.ChunkStage;
import io.docpipe.chunk.TokenChunker;

/** The chunk stage: token-bounded chunks with overlap. */
final class ChunkWiring {

    private ChunkWiring() {}

    static void bind(Foundation f) {
        Settings settings = f.settings();
        f.registry()
                .bind(
                        "chunkStage",
                        new ChunkStage(
                                f.stateMachine(),
                                f.documents(),
                                f.chunks(),
                                new TokenChunker(
                                        f.tokenCounter(),
                                        settings.integer("docpipe.chunk.size-tokens"),
                                        settings.integer("docpipe.chunk.overlap-tokens")),
                                f.tx()));
    }
}
