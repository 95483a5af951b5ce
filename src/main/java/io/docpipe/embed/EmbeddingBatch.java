package io.docpipe.embed;

import java.util.List;

/**
 * Inputs for one embeddings request.
 *
 * @param indexes    the position of each text in the list that was batched
 * @param texts      the texts to send, truncated to the per-input token limit where needed
 * @param tokens     the cl100k_base tokens of each text
 * @param tokenCount their sum
 */
public record EmbeddingBatch(List<Integer> indexes, List<String> texts, List<Integer> tokens, int tokenCount) {}
