package jllm.model.olmo2;

import jllm.kernel.Kernels;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.model.Transformer;
import jllm.model.blocks.Attention;
import jllm.model.blocks.AttentionWeights;
import jllm.model.blocks.FfnWeights;

/**
 * The olmo2 architecture's weights: no norms before the sublayers, one after each, and q/k norms as wide
 * as the whole projections. Matrices stay memory-mapped; norm vectors are read into float arrays.
 *
 * @param stem   embedding table, final norm and classifier
 * @param layers (numLayers)
 */
record Olmo2Weights(Transformer.Stem stem, Layer[] layers) {

    /**
     * One layer's weights.
     *
     * @param attn         q, k, v and output projections
     * @param qNorm        (qDim) RMSNorm weight of all query heads together
     * @param kNorm        (kvDim) RMSNorm weight of all key heads together
     * @param postAttnNorm (dim) RMSNorm weight after attention
     * @param ffn          gate, up and down projections
     * @param postFfnNorm  (dim) RMSNorm weight after the feed-forward
     */
    record Layer(AttentionWeights attn, float[] qNorm, float[] kNorm, float[] postAttnNorm, FfnWeights ffn,
                 float[] postFfnNorm) {
    }

    static Olmo2Weights load(ModelSource s, ModelInfo c, Attention.Spec spec, Kernels k) {
        Layer[] layers = new Layer[c.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new Layer(AttentionWeights.load(s, l, c.dim(), spec, k),
                    k.dequantize(s.tensor(TensorName.ATTN_Q_NORM.layer(l), spec.qDim())),
                    k.dequantize(s.tensor(TensorName.ATTN_K_NORM.layer(l), spec.kvDim())),
                    k.dequantize(s.tensor(TensorName.ATTN_POST_NORM.layer(l), c.dim())),
                    FfnWeights.load(s, l, c.dim(), c.hiddenDim()),
                    k.dequantize(s.tensor(TensorName.FFN_POST_NORM.layer(l), c.dim())));
        }
        return new Olmo2Weights(Transformer.Stem.load(s, c, k), layers);
    }
}
