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
        HfCheckpoint.commonKeys(c, k, "qwen3");
        HfConfig.RopeParameters rope = c.rope("full_attention", 10000);
        switch (rope.type()) {
            case "default" -> {
            }
            case "linear" -> k.str("qwen3.rope.scaling.type", "linear").f32("qwen3.rope.scaling.factor", rope.number("factor", 1));
            case "yarn" -> yarn(c, rope, k);
            default -> throw c.error("rope_scaling", "rope scaling type \"" + rope.type()
                    + "\" is not supported for qwen3 (jllm supports linear and yarn)");
        }
    }

    /** YaRN's keys as the converter writes them; transformers' derived attention factor is the one llama.cpp applies. */
    private static void yarn(HfConfig c, HfConfig.RopeParameters rope, GgufKeys k) {
        int original = (int) rope.number("original_max_position_embeddings", c.integer("max_position_embeddings", 4096));
        if (original < 1) {
            throw c.error("rope_scaling", "YaRN's original_max_position_embeddings " + original + " is not a positive integer");
        }
        double factor = rope.number("factor", (double) c.integer("max_position_embeddings", 4096) / original);
        if (rope.scaling().containsKey("attention_factor") || rope.scaling().containsKey("mscale")) {
            throw c.error("rope_scaling", "YaRN with an explicit attention factor or mscale is not supported for qwen3");
        }
        k.str("qwen3.rope.scaling.type", "yarn").f32("qwen3.rope.scaling.factor", factor)
                .u32("qwen3.rope.scaling.original_context_length", original);
        for (String[] key : new String[][] {{"beta_fast", "yarn_beta_fast"}, {"beta_slow", "yarn_beta_slow"}}) {
            if (rope.scaling().containsKey(key[0])) {
                k.f32("qwen3.rope.scaling." + key[1], rope.number(key[0], 0));
            }
        }
    }
}
