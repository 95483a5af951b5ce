package io.docpipe.embed;

import java.util.List;

/**
 * Inputs for one embeddings request.
 *
 * @param indexes    the position of each text in the list that was batched
 * @param texts      the texts to send, truncated to the per-input token limit where needed
 * @param tokenCount the summed cl100k_base tokens of {@code texts}
 */
public record EmbeddingBatch(List<Integer> indexes, List<String> texts, int tokenCount) {
}
