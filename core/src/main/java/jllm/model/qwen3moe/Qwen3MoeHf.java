package jllm.model.qwen3moe;

import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfCheckpoint;
import jllm.model.hf.HfConfig;
import jllm.model.hf.HfConversion;
import jllm.model.hf.HfNames;

/**
 * Qwen3-MoE checkpoints ({@code Qwen3MoeForCausalLM}) as llama.cpp's {@code Qwen3MoeModel} converter
 * writes them: the common keys (expert counts among them) and {@code expert_feed_forward_length}; the
 * router {@code mlp.gate} becomes {@code ffn_gate_inp}, and each layer's experts are stacked into
 * {@code ffn_down_exps}, {@code ffn_gate_exps}, {@code ffn_up_exps}, in that order.
 *
 * <p>One key the converter does not write: {@code qwen3moe.expert_weights_norm} = false when
 * {@code norm_topk_prob} is false or absent (transformers' default; llama.cpp renormalizes Qwen3-MoE's weights whatever the config says,
 * which for such a checkpoint is not the model transformers runs).
 */
final class Qwen3MoeHf implements HfConversion {
    @Override
    public void metadata(HfConfig c, GgufKeys k) {
        if (c.bool("use_sliding_window", false)) {
            throw c.error("use_sliding_window", "sliding-window layers are not supported for qwen3_moe");
        }
        if (c.has("shared_expert_intermediate_size")) {
            throw c.error("shared_expert_intermediate_size", "shared experts are not supported for qwen3_moe");
        }
        c.rope("full_attention", 10000).requireType("qwen3_moe", "default");
        HfCheckpoint.commonKeys(c, k, "qwen3moe");
        if (c.has("moe_intermediate_size")) {
            k.u32("qwen3moe.expert_feed_forward_length", c.integer("moe_intermediate_size"));
        }
        if (!c.bool("norm_topk_prob", false)) {
            k.bool("qwen3moe.expert_weights_norm", false);
        }
    }

    @Override
    public HfNames names() {
        return HfNames.standard().with("mlp.gate", "ffn_gate_inp")
                .withExperts("mlp.experts", "down_proj", "ffn_down_exps", "gate_proj", "ffn_gate_exps", "up_proj", "ffn_up_exps");
    }
}
