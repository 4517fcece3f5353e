package jllm.model.llama;

import jllm.model.HyperParams;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.model.blocks.Rope;

/**
 * Hyperparameters of the llama architecture (Llama 2/3, Mistral, SmolLM, llama2.c models).
 *
 * @param ropeDim   values per head that are rotated
 * @param ropeStyle pairing of rotated values: NORM for GGUF's permuted weights, NEOX for Hugging Face's
 */
public record LlamaConfig(int dim, int hiddenDim, int numLayers, int numHeads, int numKvHeads, int headDim,
                          int vocabSize, int contextLength, float normEps, float ropeTheta, int ropeDim,
                          Rope.Style ropeStyle) {

    /** Reads {@code llama.*} keys; the vocabulary size comes from the embedding table. */
    public static LlamaConfig from(ModelSource source) {
        HyperParams p = new HyperParams(source.metadata(), "llama");
        int dim = p.positive("embedding_length");
        int numHeads = p.positive("attention.head_count");
        int numKvHeads = p.positive("attention.head_count_kv", numHeads);
        if (numHeads % numKvHeads != 0) {
            throw source.metadata().error("llama.attention.head_count_kv", numKvHeads + " KV heads do not divide " + numHeads + " heads");
        }
        if (dim % numHeads != 0 && !source.metadata().has("llama.attention.key_length")) {
            throw source.metadata().error("llama.attention.head_count", numHeads + " heads do not divide dimension " + dim);
        }
        int headDim = p.positive("attention.key_length", dim / numHeads);
        long vocab = source.tensor(TensorName.TOKEN_EMBD.global()).rows();
        return new LlamaConfig(dim, p.positive("feed_forward_length"), p.positive("block_count"), numHeads,
                numKvHeads, headDim, (int) vocab, p.positive("context_length", 2048),
                p.number("attention.layer_norm_rms_epsilon", 1e-5f), p.number("rope.freq_base", 10000f),
                p.positive("rope.dimension_count", headDim), source.ropeStyle().orElse(Rope.Style.NORM));
    }

    /** The common summary. */
    public ModelInfo info() {
        return new ModelInfo("llama", dim, hiddenDim, numLayers, numHeads, numKvHeads, headDim, vocabSize,
                contextLength, normEps, ropeTheta);
    }
}
