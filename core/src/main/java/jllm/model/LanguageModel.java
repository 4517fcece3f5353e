package jllm.model;

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
}
