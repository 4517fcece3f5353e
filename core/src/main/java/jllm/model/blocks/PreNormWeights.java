package jllm.model.blocks;

import jllm.kernel.Kernels;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.TensorName;

/**
 * One layer's weights in llama's pre-norm layout under llama.cpp's standard names, which several families
 * keep as they are (granite, smollm3): {@code attn_norm}, the attention projections, {@code ffn_norm} and
 * the gated feed-forward. Norm vectors are read into float arrays; matrices stay memory-mapped.
 *
 * @param attnNorm (dim) RMSNorm weight before attention
 * @param attn     q, k, v and output projections (biases when the file has them)
 * @param ffnNorm  (dim) RMSNorm weight before the feed-forward
 * @param ffn      gate, up and down projections
 */
public record PreNormWeights(float[] attnNorm, AttentionWeights attn, float[] ffnNorm, FfnWeights ffn) {

    /** Layer {@code l}'s weights, each checked against the hyperparameters. */
    public static PreNormWeights load(ModelSource s, int l, ModelInfo c, Attention.Spec spec, Kernels k) {
        return new PreNormWeights(k.dequantize(s.tensor(TensorName.ATTN_NORM.layer(l), c.dim())),
                AttentionWeights.load(s, l, c.dim(), spec, k),
                k.dequantize(s.tensor(TensorName.FFN_NORM.layer(l), c.dim())),
                FfnWeights.load(s, l, c.dim(), c.hiddenDim()));
    }

    /** Every layer's weights: (numLayers). */
    public static PreNormWeights[] loadAll(ModelSource s, ModelInfo c, Attention.Spec spec, Kernels k) {
        PreNormWeights[] layers = new PreNormWeights[c.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = load(s, l, c, spec, k);
        }
        return layers;
    }
}
