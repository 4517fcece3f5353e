package jllm.model.gemma3;

import jllm.kernel.Kernels;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.model.Transformer;
import jllm.model.blocks.Attention;
import jllm.model.blocks.AttentionWeights;
import jllm.model.blocks.FfnWeights;

/**
 * The gemma3 architecture's weights, layer by layer. Every norm weight, q/k norms included, is stored
 * with Gemma's 1 already added (llama.cpp's converter does it), so it multiplies as any RMSNorm's.
 *
 * @param stem   embedding (scaled by sqrt(dim)), final norm, classifier (usually the embedding table)
 * @param layers (numLayers)
 */
record Gemma3Weights(Transformer.Stem stem, Layer[] layers) {

    /**
     * One layer.
     *
     * @param attnNorm     (dim) before attention
     * @param attn         projections
     * @param qNorm        (headDim) per query head, before rope
     * @param kNorm        (headDim) per key head, before rope
     * @param postAttnNorm (dim) on attention's output
     * @param ffnNorm      (dim) before the feed-forward
     * @param ffn          GeGLU projections
     * @param postFfnNorm  (dim) on the feed-forward's output
     */
    record Layer(float[] attnNorm, AttentionWeights attn, float[] qNorm, float[] kNorm, float[] postAttnNorm,
                 float[] ffnNorm, FfnWeights ffn, float[] postFfnNorm) {
    }

    static Gemma3Weights load(ModelSource s, Gemma3Config c, Attention.Spec spec, Kernels k) {
        ModelInfo i = c.info();
        int dim = i.dim();
        Layer[] layers = new Layer[i.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new Layer(vector(s, TensorName.ATTN_NORM.layer(l), dim, k), AttentionWeights.load(s, l, dim, spec, k),
                    vector(s, TensorName.ATTN_Q_NORM.layer(l), i.headDim(), k), vector(s, TensorName.ATTN_K_NORM.layer(l), i.headDim(), k),
                    vector(s, TensorName.ATTN_POST_NORM.layer(l), dim, k), vector(s, TensorName.FFN_NORM.layer(l), dim, k),
                    FfnWeights.load(s, l, dim, i.hiddenDim()), vector(s, TensorName.FFN_POST_NORM.layer(l), dim, k));
        }
        Transformer.Stem stem = Transformer.Stem.load(s, i, k).withEmbeddingScale((float) Math.sqrt(dim))
                .withLogits(1f, c.finalSoftCap());
        return new Gemma3Weights(stem, layers);
    }

    private static float[] vector(ModelSource s, String name, int width, Kernels k) {
        return k.dequantize(s.tensor(name, width));
    }
}
