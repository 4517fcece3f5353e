package jllm.model.qwen2;

import jllm.kernel.Kernels;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.model.Transformer;
import jllm.model.blocks.Attention;
import jllm.model.blocks.AttentionWeights;
import jllm.model.blocks.FfnWeights;

/** The qwen2 architecture's weights: llama's plus the q/k/v biases it requires; the classifier may be tied. */
record Qwen2Weights(
        Transformer.Stem stem,
        float[][] attnNorm,        // (numLayers, dim)
        AttentionWeights[] attn,   // (numLayers), with biases
        float[][] ffnNorm,         // (numLayers, dim)
        FfnWeights[] ffn) {        // (numLayers)

    static Qwen2Weights load(ModelSource s, ModelInfo c, Attention.Spec spec, Kernels k) {
        int n = c.numLayers();
        var w = new Qwen2Weights(Transformer.Stem.load(s, c, k), new float[n][], new AttentionWeights[n],
                new float[n][], new FfnWeights[n]);
        for (int l = 0; l < n; l++) {
            w.attn[l] = AttentionWeights.load(s, l, c.dim(), spec, k).requireBiases(s, l);
            w.attnNorm[l] = k.dequantize(s.tensor(TensorName.ATTN_NORM.layer(l), c.dim()));
            w.ffn[l] = FfnWeights.load(s, l, c.dim(), c.hiddenDim());
            w.ffnNorm[l] = k.dequantize(s.tensor(TensorName.FFN_NORM.layer(l), c.dim()));
        }
        return w;
    }
}
