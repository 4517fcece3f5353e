package jllm.model.qwen3;

import java.util.List;

import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfCheckpoint;
import jllm.model.hf.HfConfig;
import jllm.model.hf.HfConversion;

/**
 * Qwen3 checkpoints ({@code Qwen3ForCausalLM}) as llama.cpp's {@code Qwen3Model} converter writes them:
 * the common keys with {@code head_dim} as key/value length, rope scaling keys for linear and YaRN, and
 * the standard tensor names ({@code q_norm}/{@code k_norm} become {@code attn_q_norm}/{@code attn_k_norm});
 * no tensor changes on the way.
 */
final class Qwen3Hf implements HfConversion {
    @Override
    public void metadata(HfConfig c, GgufKeys k) {
        // transformers gives layers from max_window_layers on a sliding window when use_sliding_window is set
        boolean sliding = c.strings("layer_types").orElse(List.of()).contains("sliding_attention")
                || c.bool("use_sliding_window", false) && c.has("sliding_window")
                        && c.integer("num_hidden_layers") > c.count("max_window_layers", 28);
        if (sliding) {
            throw c.error("use_sliding_window", "sliding-window layers are not supported for qwen3 (llama.cpp's converter drops them too)");
        }
        HfConfig.RopeParameters rope = c.rope("full_attention", 10000).requireType("qwen3", "default", "linear", "yarn");
        if (rope.type().equals("yarn")) {
            checkYarn(c, rope);
        }
        HfCheckpoint.commonKeys(c, k, "qwen3"); // with the scaling keys
    }

    /** YaRN as llama.cpp runs it: with a factor (transformers needs one too), its attention factor derived from it. */
    private static void checkYarn(HfConfig c, HfConfig.RopeParameters rope) {
        if (!(rope.scaling().get("factor") instanceof Number)) {
            throw c.error("rope_scaling", "YaRN without a factor is not supported for qwen3");
        }
        if (rope.scaling().containsKey("attention_factor") || rope.scaling().containsKey("mscale")) {
            throw c.error("rope_scaling", "YaRN with an explicit attention factor or mscale is not supported for qwen3");
        }
    }
}
