package jllm.model.qwen3moe;

import jllm.kernel.Kernels;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.model.Transformer;
import jllm.model.blocks.Attention;
import jllm.model.blocks.AttentionWeights;
import jllm.model.blocks.FeedForward;

/**
 * The qwen3moe architecture's weights: the stem and one {@link Layer} per block. Matrices and experts stay
 * memory-mapped (each expert a view of the stacked tensors); norm vectors are read into floats once.
 */
record Qwen3MoeWeights(Transformer.Stem stem, Layer[] layers) { // layers: (numLayers)

    /**
     * One block's weights.
     *
     * @param attnNorm (dim)
     * @param attn     q (qDim, dim), k and v (kvDim, dim), output (dim, qDim)
     * @param qNorm    (headDim) shared by every query head
     * @param kNorm    (headDim) shared by every key head
     * @param ffnNorm  (dim)
     * @param ffn      router (numExperts, dim) and experts of (expertHidden, dim); or a dense MLP
     */
    record Layer(float[] attnNorm, AttentionWeights attn, float[] qNorm, float[] kNorm, float[] ffnNorm, FeedForward ffn) {
    }

    static Qwen3MoeWeights load(ModelSource s, Qwen3MoeConfig c, Attention.Spec spec, Kernels k) {
        var i = c.info();
        Layer[] layers = new Layer[i.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new Layer(k.dequantize(s.tensor(TensorName.ATTN_NORM.layer(l), i.dim())),
                    AttentionWeights.load(s, l, i.dim(), spec, k),
                    k.dequantize(s.tensor(TensorName.ATTN_Q_NORM.layer(l), i.headDim())),
                    k.dequantize(s.tensor(TensorName.ATTN_K_NORM.layer(l), i.headDim())),
                    k.dequantize(s.tensor(TensorName.FFN_NORM.layer(l), i.dim())),
                    FeedForward.load(s, l, i.dim(), i.hiddenDim(), c.expertHidden(), c.routing()));
        }
        return new Qwen3MoeWeights(Transformer.Stem.load(s, i, k), layers);
    }
}
