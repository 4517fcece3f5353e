package jllm.model.blocks;

import jllm.format.ModelFormatException;
import jllm.model.ModelSource;
import jllm.model.TensorName;

/**
 * A layer's feed-forward sublayer: one gated MLP ({@link FfnWeights}) or a mixture of experts
 * ({@link Moe}), whichever the layer's tensors hold.
 */
public interface FeedForward {

    /** The sublayer over an input (n, dim): (n, dim) in {@link Pass.Slot#OUT}. */
    float[] apply(Pass p, float[] in, Glu.Activation act);

    /**
     * Layer {@code l}'s feed-forward: a mixture of experts when it has a router ({@code ffn_gate_inp}),
     * else the dense gate, up and down projections.
     *
     * @param hiddenDim    width of a dense layer's MLP
     * @param expertHidden width of one expert's MLP
     * @param routing      how a row picks and weighs its experts; null when the file declares no experts
     */
    static FeedForward load(ModelSource s, int l, int dim, int hiddenDim, int expertHidden, Moe.Routing routing) {
        String router = TensorName.FFN_GATE_INP.layer(l);
        if (s.optionalTensor(router).isEmpty()) {
            return FfnWeights.load(s, l, dim, hiddenDim);
        }
        if (routing == null) {
            throw new ModelFormatException(s.path().toString(), router, "a router, but the metadata declares no experts"
                    + " (expert_count, expert_used_count)", null);
        }
        return Moe.load(s, l, dim, expertHidden, routing);
    }
}
