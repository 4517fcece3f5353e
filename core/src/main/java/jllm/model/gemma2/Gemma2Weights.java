package jllm.model.gemma2;

import jllm.kernel.Kernels;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.model.Transformer;
import jllm.model.blocks.Attention;
import jllm.model.blocks.AttentionWeights;
import jllm.model.blocks.FfnWeights;

/**
 * The gemma2 architecture's weights: a norm before and after each sublayer. Norm weights are stored
 * with Gemma's 1 already added (llama.cpp's converter does it), so they multiply as any RMSNorm's.
 */
record Gemma2Weights(
        Transformer.Stem stem,         // classifier tied to the embedding table
        float[][] attnNorm,            // (numLayers, dim)
        AttentionWeights[] attn,       // (numLayers)
        float[][] postAttnNorm,        // (numLayers, dim)
        float[][] ffnNorm,             // (numLayers, dim)
        FfnWeights[] ffn,              // (numLayers)
        float[][] postFfnNorm) {       // (numLayers, dim)

    static Gemma2Weights load(ModelSource s, Gemma2Config c, Attention.Spec spec, Kernels k) {
        ModelInfo i = c.info();
        int n = i.numLayers();
        Transformer.Stem stem = Transformer.Stem.load(s, i, k).withEmbeddingScale((float) Math.sqrt(i.dim()))
                .withLogits(1f, c.finalSoftCap());
        var w = new Gemma2Weights(stem, new float[n][], new AttentionWeights[n], new float[n][], new float[n][],
                new FfnWeights[n], new float[n][]);
        for (int l = 0; l < n; l++) {
            w.attnNorm[l] = k.dequantize(s.tensor(TensorName.ATTN_NORM.layer(l), i.dim()));
            w.attn[l] = AttentionWeights.load(s, l, i.dim(), spec, k);
            w.postAttnNorm[l] = k.dequantize(s.tensor(TensorName.ATTN_POST_NORM.layer(l), i.dim()));
            w.ffnNorm[l] = k.dequantize(s.tensor(TensorName.FFN_NORM.layer(l), i.dim()));
            w.ffn[l] = FfnWeights.load(s, l, i.dim(), i.hiddenDim());
            w.postFfnNorm[l] = k.dequantize(s.tensor(TensorName.FFN_POST_NORM.layer(l), i.dim()));
        }
        return w;
    }
}
