package jllm.model.mamba;

import jllm.kernel.Kernels;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.model.Transformer;
import jllm.tensor.Tensor;

/**
 * The mamba architecture's weights under llama.cpp's GGUF names: the stem and one {@link Layer} per
 * block. Matrices stay memory-mapped; vectors and the small per-channel tables are read into floats.
 */
record MambaWeights(Transformer.Stem stem, Layer[] layers) { // layers: (numLayers)

    /**
     * One block's weights.
     *
     * @param norm     (dim) the pre-norm
     * @param in       (2 * innerSize, dim) ssm_in: x and the gate z
     * @param inBias   (2 * innerSize) or null (use_bias checkpoints)
     * @param conv     (innerSize, convKernel) ssm_conv1d: a causal filter per channel
     * @param convBias (innerSize) or null
     * @param x        (timeStepRank + 2 * stateSize, innerSize) ssm_x: dt (low rank), B and C
     * @param dt       (innerSize, timeStepRank) ssm_dt
     * @param dtBias   (innerSize)
     * @param a        (innerSize, stateSize) ssm_a = -exp(A_log)
     * @param d        (innerSize) ssm_d: the skip connection
     * @param out      (dim, innerSize) ssm_out
     * @param outBias  (dim) or null (use_bias checkpoints)
     */
    record Layer(float[] norm, Tensor in, float[] inBias, float[] conv, float[] convBias, Tensor x, Tensor dt,
                 float[] dtBias, float[] a, float[] d, Tensor out, float[] outBias) {
    }

    static MambaWeights load(ModelSource s, MambaConfig c, Kernels k) {
        ModelInfo i = c.info();
        int inner = c.innerSize();
        Layer[] layers = new Layer[i.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            String b = "blk." + l + ".";
            layers[l] = new Layer(
                    k.dequantize(s.tensor(TensorName.ATTN_NORM.layer(l), i.dim())),
                    s.tensor(b + "ssm_in.weight", i.dim(), 2L * inner),
                    s.optionalVector(b + "ssm_in.bias", 2L * inner, k),
                    k.dequantize(s.tensor(b + "ssm_conv1d.weight", c.convKernel(), inner)),
                    s.optionalVector(b + "ssm_conv1d.bias", inner, k),
                    s.tensor(b + "ssm_x.weight", inner, c.dbcWidth()),
                    s.tensor(b + "ssm_dt.weight", c.timeStepRank(), inner),
                    k.dequantize(s.tensor(b + "ssm_dt.bias", inner)),
                    k.dequantize(s.tensor(b + "ssm_a", c.stateSize(), inner)),
                    k.dequantize(s.tensor(b + "ssm_d", inner)),
                    s.tensor(b + "ssm_out.weight", inner, i.dim()),
                    s.optionalVector(b + "ssm_out.bias", i.dim(), k));
        }
        return new MambaWeights(Transformer.Stem.load(s, i, k), layers);
    }
}
