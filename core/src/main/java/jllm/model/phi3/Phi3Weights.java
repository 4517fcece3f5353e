package jllm.model.phi3;

import jllm.kernel.Kernels;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.model.Transformer;
import jllm.model.blocks.AttentionWeights;
import jllm.model.blocks.FfnWeights;

/**
 * The phi3 architecture's weights: qkv and gate_up stay fused in the file and are used as row views;
 * LongRoPE's two factor lists when the model has them.
 */
record Phi3Weights(
        Transformer.Stem stem,
        float[][] attnNorm,        // (numLayers, dim)
        AttentionWeights[] attn,   // (numLayers), views of attn_qkv (qDim + 2 kvDim, dim)
        float[][] ffnNorm,         // (numLayers, dim)
        FfnWeights[] ffn,          // (numLayers), views of ffn_up (2 hiddenDim, dim), gate rows first
        float[] ropeShort,         // (ropeDim / 2) or null
        float[] ropeLong) {        // (ropeDim / 2) or null

    static Phi3Weights load(ModelSource s, Phi3Config c, Kernels k) {
        int n = c.info().numLayers();
        int dim = c.info().dim();
        var w = new Phi3Weights(Transformer.Stem.load(s, c.info(), k), new float[n][], new AttentionWeights[n],
                new float[n][], new FfnWeights[n], ropeFactors(s, TensorName.ROPE_FACTORS_SHORT.global(), c, k),
                ropeFactors(s, TensorName.ROPE_FACTORS_LONG.global(), c, k));
        for (int l = 0; l < n; l++) {
            w.attnNorm[l] = k.dequantize(s.tensor(TensorName.ATTN_NORM.layer(l), dim));
            w.attn[l] = AttentionWeights.loadFused(s, l, dim, c.attention());
            w.ffnNorm[l] = k.dequantize(s.tensor(TensorName.FFN_NORM.layer(l), dim));
            w.ffn[l] = FfnWeights.loadFused(s, l, dim, c.info().hiddenDim());
        }
        return w;
    }

    private static float[] ropeFactors(ModelSource s, String name, Phi3Config c, Kernels k) {
        return s.optionalVector(name, c.ropeDim() / 2, k);
    }
}
