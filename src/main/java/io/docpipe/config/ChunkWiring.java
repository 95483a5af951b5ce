package io.docpipe.config;

import io.docpipe.chunk.ChunkStage;
import io.docpipe.chunk.TokenChunker;
import io.docpipe.document.ParsedTextPages;

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
                                new ParsedTextPages(f.jdbc()),
                                f.chunks(),
                                new TokenChunker(
                                        f.tokenCounter(),
                                        settings.integer("docpipe.chunk.size-tokens"),
                                        settings.integer("docpipe.chunk.overlap-tokens")),
                                f.tx(),
                                settings.integer("docpipe.chunk.store-batch-size")));
    }
}
