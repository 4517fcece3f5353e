package jllm.model.gemma2;

import jllm.model.HyperParams;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;

/**
 * Hyperparameters of the gemma2 architecture beyond the common ones, from {@code gemma2.*} keys with
 * llama.cpp's defaults.
 *
 * @param info         the common hyperparameters
 * @param attnScale    factor on q·k, query_pre_attn_scalar^-0.5
 * @param attnSoftCap  attention logit soft-cap: score = cap * tanh(score / cap); 0 for none
 * @param finalSoftCap final logit soft-cap; 0 for none
 * @param window       sliding window of the local layers; 0 for none
 * @param sliding      (numLayers) whether a layer attends within the window (by default the even ones)
 */
record Gemma2Config(ModelInfo info, float attnScale, float attnSoftCap, float finalSoftCap, int window,
                    boolean[] sliding) {

    /** The GGUF architecture name. */
    static final String ARCH = "gemma2";

    /**
     * Reads {@code gemma2.*} keys. llama.cpp's converter does not write query_pre_attn_scalar and its
     * loader computes the scale: 1/sqrt(dim/heads) for the 27B (46 layers), else 1/sqrt(headDim), which
     * is query_pre_attn_scalar^-0.5 for every released size; {@code gemma2.attention.scale} (written by
     * jllm only where the two differ) overrides it.
     */
    static Gemma2Config from(ModelSource s) {
        ModelInfo i = ModelInfo.read(s, ARCH, 8192, 1e-6f, 10000f);
        HyperParams p = new HyperParams(s.metadata(), ARCH);
        float scale = 1f / (float) Math.sqrt(i.numLayers() == 46 ? i.dim() / i.numHeads() : i.headDim());
        return new Gemma2Config(i, p.number("attention.scale", scale), p.number("attn_logit_softcapping", 50f),
                p.number("final_logit_softcapping", 30f), s.metadata().intIn(ARCH + ".attention.sliding_window", 0, 1 << 24).orElse(4096),
                p.slidingLayers(i.numLayers(), 2));
    }
}
