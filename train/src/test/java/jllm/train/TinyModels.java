package jllm.train;

import jllm.model.blocks.Rope;
import jllm.model.llama.LlamaConfig;

/** Small llama shapes for tests. */
public final class TinyModels {
    private TinyModels() {
    }

    /** dim 8, hidden 12, 2 layers, 2 query heads over 1 KV head, vocabulary 11, context 8. */
    public static LlamaConfig tiny() {
        return config(8, 12, 2, 2, 1, 11, 8);
    }

    public static LlamaConfig config(int dim, int hiddenDim, int numLayers, int numHeads, int numKvHeads, int vocab, int context) {
        int headDim = dim / numHeads;
        return new LlamaConfig(dim, hiddenDim, numLayers, numHeads, numKvHeads, headDim, vocab, context, 1e-5f,
                10000f, headDim, Rope.Style.NORM);
    }
}
