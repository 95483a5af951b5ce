package io.docpipe.chunk;

/** One piece of a document's text, in document order, with its exact cl100k_base token count. */
public record Chunk(int ordinal, String text, int tokenCount) {}
