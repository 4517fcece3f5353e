package jllm.model.qwen3;

import java.util.Locale;

import jllm.model.HyperParams;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.blocks.Rope;

/**
 * Hyperparameters of the qwen3 architecture, read from {@code qwen3.*} keys as llama.cpp's converter
 * writes them. The head size ({@code attention.key_length}) need not be dim / numHeads: Qwen3 models
 * use 128 whatever their width.
 *
 * @param info    the common hyperparameters
 * @param scaling how rope angles follow positions: plain, linear or YaRN ({@code rope.scaling.type})
 */
public record Qwen3Config(ModelInfo info, Rope.Scaling scaling) {

    /** YaRN's defaults where the file does not say (llama.cpp's and transformers'). */
    private static final float BETA_FAST = 32f;
    private static final float BETA_SLOW = 1f;

    /** Reads {@code qwen3.*} keys; the vocabulary size comes from the embedding table. */
    public static Qwen3Config from(ModelSource source) {
        ModelInfo info = ModelInfo.read(source, "qwen3", 32768, 1e-6f, 10000f);
        HyperParams p = new HyperParams(source.metadata(), "qwen3");
        String type = source.metadata().string("qwen3.rope.scaling.type").orElse("none").toLowerCase(Locale.ROOT);
        Rope.Scaling plain = Rope.Scaling.of(info.ropeTheta());
        Rope.Scaling scaling = switch (type) {
            case "none" -> plain;
            case "linear" -> plain.withLinear(factor(p));
            // YaRN: interpolation blended toward extrapolation by a ramp over the pairs, and a magnitude
            // 1 + 0.1 ln(factor) on cos and sin (Rope applies it); beta and the original context as stored
            case "yarn" -> new Rope.Scaling(info.ropeTheta(), 1f / factor(p), 1f, 1f,
                    p.number("rope.scaling.yarn_beta_fast", BETA_FAST), p.number("rope.scaling.yarn_beta_slow", BETA_SLOW),
                    p.positive("rope.scaling.original_context_length", info.contextLength()), null);
            default -> throw source.metadata().error("qwen3.rope.scaling.type", "rope scaling \"" + type
                    + "\" is not supported for qwen3 (jllm supports none, linear and yarn)");
        };
        return new Qwen3Config(info, scaling);
    }

    private static float factor(HyperParams p) {
        float f = p.number("rope.scaling.factor", 1f);
        if (!(f >= 1f)) {
            throw p.metadata().error("qwen3.rope.scaling.factor", "rope scaling factor " + f + " is below 1");
        }
        return f;
    }

    /** The scaling in words for {@code jllm inspect}, or "none". */
    String scalingText() {
        String factor = Float.toString(1f / scaling.freqScale());
        if (scaling.extFactor() != 0f) {
            return "yarn x" + factor + " (original context " + scaling.origContext() + ", beta " + scaling.betaFast()
                    + "/" + scaling.betaSlow() + ")";
        }
        return scaling.freqScale() == 1f ? "none" : "linear x" + factor;
    }
}
