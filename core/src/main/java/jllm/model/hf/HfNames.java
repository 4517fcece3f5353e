package jllm.model.hf;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Hugging Face tensor names mapped to GGUF names, as gguf-py's tensor mapping does: a standard table
 * of the modules most decoder families share ({@code LlamaForCausalLM}'s layout), which a family
 * changes with {@link #with} where its modules differ (Gemma 2's {@code post_attention_layernorm} is a
 * post-norm, llama's is the FFN's pre-norm).
 *
 * <pre>{@code
 * HfNames.standard().toGguf("model.layers.3.self_attn.q_proj.weight"); // Optional[blk.3.attn_q.weight]
 * }</pre>
 */
public final class HfNames {
    private static final String LAYERS = "model.layers.";

    private final Map<String, String> global;
    private final Map<String, String> block;

    private HfNames(Map<String, String> global, Map<String, String> block) {
        this.global = global;
        this.block = block;
    }

    /** The modules of {@code LlamaForCausalLM} and the q/k norms, gate_up and qkv many families add. */
    public static HfNames standard() {
        Map<String, String> global = new LinkedHashMap<>();
        global.put("model.embed_tokens.weight", "token_embd.weight");
        global.put("model.norm.weight", "output_norm.weight");
        global.put("lm_head.weight", "output.weight");
        Map<String, String> block = new LinkedHashMap<>();
        block.put("self_attn.q_proj", "attn_q");
        block.put("self_attn.k_proj", "attn_k");
        block.put("self_attn.v_proj", "attn_v");
        block.put("self_attn.o_proj", "attn_output");
        block.put("self_attn.q_norm", "attn_q_norm");
        block.put("self_attn.k_norm", "attn_k_norm");
        block.put("mlp.gate_proj", "ffn_gate");
        block.put("mlp.up_proj", "ffn_up");
        block.put("mlp.down_proj", "ffn_down");
        block.put("input_layernorm", "attn_norm");
        block.put("post_attention_layernorm", "ffn_norm");
        return new HfNames(global, block);
    }

    /**
     * These names with a block module ({@code "self_attn.qkv_proj"}) mapped to a GGUF module
     * ({@code "attn_qkv"}), or removed when {@code gguf} is null.
     */
    public HfNames with(String hfModule, String gguf) {
        Map<String, String> b = new LinkedHashMap<>(block);
        if (gguf == null) {
            b.remove(hfModule);
        } else {
            b.put(hfModule, gguf);
        }
        return new HfNames(global, b);
    }

    /** These names with a global tensor ({@code "model.norm.weight"}) mapped to a GGUF name. */
    public HfNames withGlobal(String hfName, String gguf) {
        Map<String, String> g = new LinkedHashMap<>(global);
        g.put(hfName, gguf);
        return new HfNames(g, block);
    }

    /** The GGUF name of a Hugging Face tensor name, or empty for a name outside the table. */
    public Optional<String> toGguf(String hfName) {
        String g = global.get(hfName);
        if (g != null) {
            return Optional.of(g);
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
        String module = block.get(rest.substring(0, rest.length() - suffix.length() - 1));
        return module == null ? Optional.empty() : Optional.of("blk." + layer + "." + module + "." + suffix);
    }
}
