package jllm.model.qwen2;

import jllm.model.HyperParams;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.TensorName;

/** Hyperparameters of the qwen2 architecture (Qwen1.5, Qwen2, Qwen2.5). */
public record Qwen2Config(int dim, int hiddenDim, int numLayers, int numHeads, int numKvHeads, int headDim,
                          int vocabSize, int contextLength, float normEps, float ropeTheta) {

    /** Reads {@code qwen2.*} keys; the vocabulary size comes from the embedding table. */
    public static Qwen2Config from(ModelSource source) {
        HyperParams p = new HyperParams(source.metadata(), "qwen2");
        int dim = p.positive("embedding_length");
        int numHeads = p.positive("attention.head_count");
        int numKvHeads = p.positive("attention.head_count_kv", numHeads);
        if (numHeads % numKvHeads != 0) {
            throw source.metadata().error("qwen2.attention.head_count_kv", numKvHeads + " KV heads do not divide " + numHeads + " heads");
        }
        if (dim % numHeads != 0) {
            throw source.metadata().error("qwen2.attention.head_count", numHeads + " heads do not divide dimension " + dim);
        }
        long vocab = source.tensor(TensorName.TOKEN_EMBD.global()).rows();
        return new Qwen2Config(dim, p.positive("feed_forward_length"), p.positive("block_count"), numHeads,
                numKvHeads, dim / numHeads, (int) vocab, p.positive("context_length", 32768),
                p.number("attention.layer_norm_rms_epsilon", 1e-6f), p.number("rope.freq_base", 1e6f));
    }

    /** The common summary. */
    public ModelInfo info() {
        return new ModelInfo("qwen2", dim, hiddenDim, numLayers, numHeads, numKvHeads, headDim, vocabSize,
                contextLength, normEps, ropeTheta);
    }
}
