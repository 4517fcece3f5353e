package jllm.model;

import java.util.List;

/**
 * A loaded language model: turns token ids into next-token logits, one sequence per {@link KvCache}.
 *
 * <pre>{@code
 * KvCache cache = model.newCache(512);
 * float[] logits = model.forward(cache, new int[]{1, 450, 4937}, Logits.LAST); // (vocabSize)
 * }</pre>
 */
public interface LanguageModel {

    /** Which positions of a forward call get logits. */
    enum Logits {
        /** Only the last token's: an array of vocabSize values. */
        LAST,
        /** Every token's: (n, vocabSize) row-major. */
        ALL
    }

    /** Hyperparameters in the common vocabulary. */
    ModelInfo info();

    /** A fresh cache for one sequence of at most {@code maxContext} positions (F16, as llama.cpp). */
    default KvCache newCache(int maxContext) {
        return newCache(maxContext, KvCache.Type.F16);
    }

    /** A fresh cache for one sequence. */
    KvCache newCache(int maxContext, KvCache.Type type);

    /**
     * Evaluates {@code tokens} at the positions following what {@code cache} holds, appends their keys
     * and values to it, and returns logits.
     */
    float[] forward(KvCache cache, int[] tokens, Logits which);

    /**
     * One decode step for several sequences at once: appends {@code tokens[i]} to {@code caches.get(i)}
     * (distinct caches) and returns their next-token logits, (n, vocabSize) row-major.
     */
    default float[] forwardBatch(List<KvCache> caches, int[] tokens) {
        List<int[]> rows = new java.util.ArrayList<>(tokens.length);
        for (int t : tokens) {
            rows.add(new int[]{t});
        }
        return forwardBatch(caches, rows);
    }

    /**
     * Several sequences in one forward call: appends {@code tokens.get(i)} (one or more tokens: a decode
     * step or a piece of a prompt) to {@code caches.get(i)} (distinct caches) and returns the logits after
     * each sequence's last token, (n, vocabSize) row-major. Architectures override this to read each
     * weight once for all rows. The result equals calling {@link #forward} on each sequence in turn when
     * both calls take the same kernel path for their rows ({@link jllm.kernel.Kernels#matmul}: row dots
     * below 8 rows, a GEMM for quantized weights from 8 rows on); otherwise they differ in float rounding.
     */
    default float[] forwardBatch(List<KvCache> caches, List<int[]> tokens) {
        if (caches.size() != tokens.size()) {
            throw new IllegalArgumentException(caches.size() + " caches but " + tokens.size() + " token sequences");
        }
        int vocab = info().vocabSize();
        float[] logits = new float[tokens.size() * vocab];
        for (int i = 0; i < tokens.size(); i++) {
            float[] row = forward(caches.get(i), tokens.get(i), Logits.LAST);
            System.arraycopy(row, 0, logits, i * vocab, vocab);
        }
        return logits;
    }

    /**
     * The final normalized hidden states of {@code tokens}, (n, dim) row-major: what the classifier
     * reads, for embeddings. Appends the tokens to {@code cache} like {@link #forward}.
     *
     * @throws UnsupportedOperationException when the architecture does not expose them
     */
    default float[] hiddenStates(KvCache cache, int[] tokens) {
        throw new UnsupportedOperationException(info().architecture() + " does not expose hidden states");
    }
}
