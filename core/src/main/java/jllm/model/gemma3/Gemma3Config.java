package jllm.model.gemma3;

import jllm.model.HyperParams;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;

/**
 * Hyperparameters of the gemma3 architecture beyond the common ones, from {@code gemma3.*} keys.
 * {@link ModelInfo#ropeTheta()} is the global layers' rope base.
 *
 * @param info         the common hyperparameters
 * @param attnScale    factor on q·k, query_pre_attn_scalar^-0.5
 * @param attnSoftCap  attention logit soft-cap; 0 for none (Gemma 3 has none)
 * @param finalSoftCap final logit soft-cap; 0 for none
 * @param window       sliding window of the local layers; 0 for none
 * @param sliding      (numLayers) whether a layer is local: attends within the window, with the local rope
 * @param localTheta   rope base of the local layers
 * @param globalScale  linear rope scaling factor of the global layers (positions divided by it); 1 for none
 */
record Gemma3Config(ModelInfo info, float attnScale, float attnSoftCap, float finalSoftCap, int window,
                    boolean[] sliding, float localTheta, float globalScale) {

    /** The GGUF architecture name. */
    static final String ARCH = "gemma3";

    /**
     * Reads {@code gemma3.*} keys. As for Gemma 2, llama.cpp infers the attention scale (1/sqrt(dim/heads)
     * for the 27B, 62 layers; else 1/sqrt(headDim)) and the layer pattern (5 local : 1 global);
     * {@code gemma3.attention.scale} and {@code gemma3.attention.sliding_window_pattern} override them.
     * The local rope base is {@code rope.freq_base_swa}, which llama.cpp's converter writes (its loader
     * assumes 10000, the value of every released Gemma 3).
     */
    static Gemma3Config from(ModelSource s) {
        ModelInfo i = ModelInfo.read(s, ARCH, 131072, 1e-6f, 1e6f);
        HyperParams p = new HyperParams(s.metadata(), ARCH);
        String scaling = s.metadata().string(ARCH + ".rope.scaling.type").orElse("linear");
        if (!scaling.equals("linear") && !scaling.equals("none")) {
            throw s.metadata().error(ARCH + ".rope.scaling.type", "rope scaling \"" + scaling
                    + "\" is not supported for gemma3 (linear or none)");
        }
        float factor = scaling.equals("none") ? 1f : p.number("rope.scaling.factor", 1f);
        if (!(factor > 0f)) {
            throw s.metadata().error(ARCH + ".rope.scaling.factor", "factor " + factor + " is not positive");
        }
        float inferred = 1f / (float) Math.sqrt(i.numLayers() == 62 ? i.dim() / i.numHeads() : i.headDim());
        return new Gemma3Config(i, p.number("attention.scale", inferred), p.number("attn_logit_softcapping", 0f),
                p.number("final_logit_softcapping", 0f), s.metadata().intIn(ARCH + ".attention.sliding_window", 0, 1 << 24).orElse(0),
                p.slidingLayers(i.numLayers(), 6), p.number("rope.freq_base_swa", 10000f), factor);
    }
}
