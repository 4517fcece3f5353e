package jllm.format.safetensors;

import java.util.Map;
import java.util.Optional;

/**
 * Hugging Face tensor names of llama-family models (Llama, Qwen2, Mistral: the {@code LlamaForCausalLM}
 * layout) mapped to GGUF tensor names, so that one set of weight records serves both formats.
 *
 * <p>Only names change here; values do not. (llama.cpp's converter also permutes the rows of the Q
 * and K projections of llama models for its RoPE layout; a model reading HF weights must account for
 * that itself.)
 *
 * <pre>{@code
 * HfTensorNames.toGguf("model.layers.3.self_attn.q_proj.weight"); // Optional[blk.3.attn_q.weight]
 * }</pre>
 */
public final class HfTensorNames {
    private static final String LAYERS = "model.layers.";

    /** Names outside the blocks. */
    private static final Map<String, String> GLOBAL = Map.of(
            "model.embed_tokens.weight", "token_embd.weight",
            "model.norm.weight", "output_norm.weight",
            "lm_head.weight", "output.weight");

    /** Module paths inside block N (the suffix .weight / .bias is kept). */
    private static final Map<String, String> BLOCK = Map.of(
            "self_attn.q_proj", "attn_q",
            "self_attn.k_proj", "attn_k",
            "self_attn.v_proj", "attn_v",
            "self_attn.o_proj", "attn_output",
            "mlp.gate_proj", "ffn_gate",
            "mlp.up_proj", "ffn_up",
            "mlp.down_proj", "ffn_down",
            "input_layernorm", "attn_norm",
            "post_attention_layernorm", "ffn_norm");

    private HfTensorNames() {
    }

    /** The GGUF name of a Hugging Face tensor name, or empty for a name outside the table. */
    public static Optional<String> toGguf(String hfName) {
        String global = GLOBAL.get(hfName);
        if (global != null) {
            return Optional.of(global);
        }
        if (!hfName.startsWith(LAYERS)) {
            return Optional.empty();
        }
        int dot = hfName.indexOf('.', LAYERS.length());
        if (dot < 0) {
            return Optional.empty();
        }
        String layer = hfName.substring(LAYERS.length(), dot);
        if (layer.isEmpty() || layer.length() > 9 || !layer.chars().allMatch(ch -> ch >= '0' && ch <= '9')
                || (layer.length() > 1 && layer.charAt(0) == '0')) {
            return Optional.empty();
        }
        String rest = hfName.substring(dot + 1);
        String suffix;
        if (rest.endsWith(".weight")) {
            suffix = "weight";
        } else if (rest.endsWith(".bias")) {
            suffix = "bias";
        } else {
            return Optional.empty();
        }
        String module = BLOCK.get(rest.substring(0, rest.length() - suffix.length() - 1));
        return module == null ? Optional.empty() : Optional.of("blk." + layer + "." + module + "." + suffix);
    }
}
