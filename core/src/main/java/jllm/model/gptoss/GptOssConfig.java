package jllm.model.gptoss;

import java.util.Locale;

import jllm.model.HyperParams;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.blocks.Moe;
import jllm.model.blocks.Rope;

/**
 * Hyperparameters of the gpt-oss architecture, read from {@code gpt-oss.*} keys as llama.cpp's converter
 * writes them.
 *
 * <p>YaRN's ramp: gpt-oss defines it with fractional ends (OpenAI's reference and every released config,
 * {@code "truncate": false}), where ggml rounds them to whole pairs. jllm follows the model: the ramp is
 * unrounded unless {@code gpt-oss.rope.scaling.yarn_truncate} (jllm's key, written for a config that asks
 * for rounding) is true.
 *
 * @param info         the common hyperparameters
 * @param expertHidden width of one expert's MLP ({@code expert_feed_forward_length})
 * @param routing      the top {@code expert_used_count} router logits, softmax over those
 * @param window       sliding window of the local layers ({@code attention.sliding_window})
 * @param sliding      (numLayers) whether a layer attends within the window (by default the even ones)
 * @param scaling      rope angles: plain or YaRN ({@code rope.scaling.type})
 */
public record GptOssConfig(ModelInfo info, int expertHidden, Moe.Routing routing, int window, boolean[] sliding,
                           Rope.Scaling scaling) {

    /** The GGUF architecture name. */
    static final String ARCH = "gpt-oss";

    /** Reads {@code gpt-oss.*} keys; the vocabulary size comes from the embedding table. */
    public static GptOssConfig from(ModelSource source) {
        ModelInfo info = ModelInfo.read(source, ARCH, 131072, 1e-5f, 150000f);
        HyperParams p = new HyperParams(source.metadata(), ARCH);
        String type = source.metadata().string(ARCH + ".rope.scaling.type").orElse("none").toLowerCase(Locale.ROOT);
        Rope.Scaling scaling = switch (type) {
            case "none" -> Rope.Scaling.of(info.ropeTheta());
            // interpolation blended toward extrapolation over a ramp of pairs; cos and sin gain 1 + 0.1 ln(factor)
            case "yarn" -> new Rope.Scaling(info.ropeTheta(), 1f / yarnFactor(p), 1f, 1f,
                    p.number("rope.scaling.yarn_beta_fast", 32f), p.number("rope.scaling.yarn_beta_slow", 1f),
                    p.positive("rope.scaling.original_context_length", info.contextLength()), null,
                    source.metadata().bool(ARCH + ".rope.scaling.yarn_truncate").orElse(false));
            default -> throw source.metadata().error(ARCH + ".rope.scaling.type", "rope scaling \"" + type
                    + "\" is not supported for gpt-oss (jllm supports none and yarn)");
        };
        Moe.Routing routing = new Moe.Routing(p.positive("expert_used_count"), Moe.Order.TOP_K_THEN_SOFTMAX, false);
        return new GptOssConfig(info, p.positive("expert_feed_forward_length", info.hiddenDim()), routing,
                p.positive("attention.sliding_window"), p.slidingLayers(info.numLayers(), 2), scaling);
    }

    private static float yarnFactor(HyperParams p) {
        float f = p.number("rope.scaling.factor", 1f);
        if (!(f >= 1f)) {
            throw p.metadata().error(ARCH + ".rope.scaling.factor", "YaRN factor " + f + " is below 1");
        }
        return f;
    }
}
