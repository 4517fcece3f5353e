package jllm.model.qwen3;

import jllm.kernel.Kernels;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.model.Transformer;
import jllm.model.blocks.Attention;
import jllm.model.blocks.AttentionWeights;
import jllm.model.blocks.FfnWeights;

/**
 * The qwen3 architecture's weights: the stem (the classifier may be tied to the embedding table) and one
 * {@link Layer} per block. Matrices stay memory-mapped; norm vectors are read into floats once.
 */
record Qwen3Weights(Transformer.Stem stem, Layer[] layers) { // layers: (numLayers)

    /**
     * One block's weights.
     *
     * @param attnNorm (dim)
     * @param attn     q (qDim, dim), k and v (kvDim, dim), output (dim, qDim); biases only if the file has them
     * @param qNorm    (headDim) shared by every query head
     * @param kNorm    (headDim) shared by every key head
     * @param ffnNorm  (dim)
     * @param ffn      gate and up (hiddenDim, dim), down (dim, hiddenDim)
     */
    record Layer(float[] attnNorm, AttentionWeights attn, float[] qNorm, float[] kNorm, float[] ffnNorm, FfnWeights ffn) {
    }

    static Qwen3Weights load(ModelSource s, ModelInfo c, Attention.Spec spec, Kernels k) {
        Layer[] layers = new Layer[c.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new Layer(
                    k.dequantize(s.tensor(TensorName.ATTN_NORM.layer(l), c.dim())),
                    AttentionWeights.load(s, l, c.dim(), spec, k),
                    k.dequantize(s.tensor(TensorName.ATTN_Q_NORM.layer(l), c.headDim())),
                    k.dequantize(s.tensor(TensorName.ATTN_K_NORM.layer(l), c.headDim())),
                    k.dequantize(s.tensor(TensorName.FFN_NORM.layer(l), c.dim())),
                    FfnWeights.load(s, l, c.dim(), c.hiddenDim()));
        }
        return new Qwen3Weights(Transformer.Stem.load(s, c, k), layers);
    }
}
