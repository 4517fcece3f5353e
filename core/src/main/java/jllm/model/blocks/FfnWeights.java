package jllm.model.blocks;

import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.tensor.Tensor;

/**
 * One layer's gated feed-forward weights under llama.cpp's standard names.
 *
 * @param gate (hiddenDim, dim)
 * @param up   (hiddenDim, dim)
 * @param down (dim, hiddenDim)
 */
public record FfnWeights(Tensor gate, Tensor up, Tensor down) implements FeedForward {

    /** Separate gate, up and down projections of layer {@code l}. */
    public static FfnWeights load(ModelSource s, int l, int dim, int hiddenDim) {
        return new FfnWeights(s.tensor(TensorName.FFN_GATE.layer(l), dim, hiddenDim),
                s.tensor(TensorName.FFN_UP.layer(l), dim, hiddenDim), s.tensor(TensorName.FFN_DOWN.layer(l), hiddenDim, dim));
    }

    /**
     * A fused gate_up projection, stored as {@code ffn_up} with 2 hiddenDim rows (gate first, as Phi-3's
     * {@code gate_up_proj}), split into row views without copying.
     */
    public static FfnWeights loadFused(ModelSource s, int l, int dim, int hiddenDim) {
        Tensor gateUp = s.tensor(TensorName.FFN_UP.layer(l), dim, 2L * hiddenDim);
        return new FfnWeights(gateUp.rowSlice(gateUp.name() + "[gate]", 0, hiddenDim),
                gateUp.rowSlice(gateUp.name() + "[up]", hiddenDim, hiddenDim),
                s.tensor(TensorName.FFN_DOWN.layer(l), hiddenDim, dim));
    }

    @Override
    public float[] apply(Pass p, float[] in, Glu.Activation act) {
        return Glu.apply(p, in, gate, up, down, act);
    }
}
