package io.docpipe.embed;

import io.docpipe.chunk.TokenCounter;
import io.docpipe.embed.PendingBatch.PendingChunk;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs texts, in order, into as few embeddings requests as OpenAI's limits allow: at most
 * {@code maxInputsPerBatch} inputs and {@code maxTokensPerBatch} summed tokens a request, and no input over
 * {@code maxTokensPerInput} tokens (longer ones are truncated; the API would refuse them).
 */
public class EmbeddingBatcher {

    private final TokenCounter counter;
    private final int maxInputsPerBatch;
    private final int maxTokensPerBatch;
    private final int maxTokensPerInput;

    public EmbeddingBatcher(TokenCounter counter, int maxInputsPerBatch, int maxTokensPerBatch, int maxTokensPerInput) {
        if (maxInputsPerBatch < 1 || maxTokensPerInput < 1 || maxTokensPerBatch < maxTokensPerInput) {
            throw new IllegalArgumentException("need inputs >= 1 and tokens per batch >= tokens per input >= 1");
        }
        this.counter = counter;
        this.maxInputsPerBatch = maxInputsPerBatch;
        this.maxTokensPerBatch = maxTokensPerBatch;
        this.maxTokensPerInput = maxTokensPerInput;
    }

    /**
     * Batches chunks, keeping each one's job and recording the text sent and its tokens; a chunk's tokens are those
     * it carries when known (the chunk stage counted them with the same encoding), else counted here.
     */
    public List<PendingBatch> batchChunks(List<PendingChunk> pending) {
        List<PendingBatch> batches = new ArrayList<>();
        for (EmbeddingBatch batch : batch(
                pending.stream().map(PendingChunk::text).toList(),
                pending.stream().map(PendingChunk::tokens).toList())) {
            List<PendingChunk> chunks = new ArrayList<>(batch.indexes().size());
            for (int i = 0; i < batch.indexes().size(); i++) {
                PendingChunk chunk = pending.get(batch.indexes().get(i));
                chunks.add(new PendingChunk(
                        chunk.chunkId(),
                        chunk.job(),
                        batch.texts().get(i),
                        batch.tokens().get(i)));
            }
            batches.add(new PendingBatch(chunks, batch.tokenCount()));
        }
        return batches;
    }

    public List<EmbeddingBatch> batch(List<String> texts) {
        return batch(texts, null);
    }

    /** @param knownTokens each text's token count when known (above 0), or null to count them all */
    private List<EmbeddingBatch> batch(List<String> texts, List<Integer> knownTokens) {
        List<EmbeddingBatch> batches = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        int tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null || text.isEmpty()) {
                throw new IllegalArgumentException("input " + i + " is empty; the embeddings API refuses empty inputs");
            }
            int count = knownTokens != null && knownTokens.get(i) > 0 ? knownTokens.get(i) : counter.count(text);
            if (count > maxTokensPerInput) {
                text = counter.truncate(text, maxTokensPerInput);
                count = counter.count(text);
            }
            if (!inputs.isEmpty() && (inputs.size() == maxInputsPerBatch || tokens + count > maxTokensPerBatch)) {
                batches.add(new EmbeddingBatch(List.copyOf(indexes), List.copyOf(inputs), List.copyOf(counts), tokens));
                indexes.clear();
                inputs.clear();
                counts.clear();
                tokens = 0;
            }
            indexes.add(i);
            inputs.add(text);
            counts.add(count);
            tokens += count;
        }
        if (!inputs.isEmpty()) {
            batches.add(new EmbeddingBatch(List.copyOf(indexes), List.copyOf(inputs), List.copyOf(counts), tokens));
        }
        return batches;
    }
}
