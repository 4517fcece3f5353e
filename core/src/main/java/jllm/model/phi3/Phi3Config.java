package jllm.model.phi3;

import jllm.model.HyperParams;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.blocks.Attention;

/**
 * Hyperparameters of the phi3 architecture, from llama.cpp's {@code phi3.*} keys.
 *
 * @param info        the common hyperparameters
 * @param ropeDim     values per head that are rotated ({@code rope.dimension_count}; Phi-4-mini: 3/4 of a head)
 * @param origContext the context the model was pre-trained with ({@code rope.scaling.original_context_length}):
 *                    LongRoPE's long factors apply beyond it
 * @param attnFactor  LongRoPE's magnitude factor on cos and sin ({@code rope.scaling.attn_factor}; 1 for none)
 * @param window      sliding attention window ({@code attention.sliding_window}); 0 for none
 */
record Phi3Config(ModelInfo info, int ropeDim, int origContext, float attnFactor, int window) {

    static final String ARCH = "phi3";

    /** Reads {@code phi3.*} keys; the vocabulary size comes from the embedding table. */
    static Phi3Config from(ModelSource source) {
        ModelInfo i = ModelInfo.read(source, ARCH, 4096, 1e-5f, 10000f);
        HyperParams p = new HyperParams(source.metadata(), ARCH);
        float attnFactor = p.number("rope.scaling.attn_factor", 1f);
        if (!(attnFactor > 0f)) {
            throw source.metadata().error(ARCH + ".rope.scaling.attn_factor", "must be positive, got " + attnFactor);
        }
        int window = source.metadata().intIn(ARCH + ".attention.sliding_window", 0, 1 << 24).orElse(0);
        return new Phi3Config(i, p.positive("rope.dimension_count", i.headDim()),
                p.positive("rope.scaling.original_context_length", i.contextLength()), attnFactor, window);
    }

    /**
     * Heads, 1/sqrt(headDim) and the sliding window. llama.cpp disables Phi-3's window (with a warning);
     * transformers applies it, and so does jllm: it changes nothing within the window (Phi-3-mini-4k: 2047).
     */
    Attention.Spec attention() {
        return Attention.Spec.of(info.numHeads(), info.numKvHeads(), info.headDim()).withWindow(window);
    }
}
