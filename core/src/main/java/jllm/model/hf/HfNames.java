package jllm.model.hf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 *
 * <p>Experts stored one matrix each ({@code mlp.experts.5.gate_proj.weight}) are parts of one stacked GGUF
 * tensor per layer and kind ({@code blk.N.ffn_gate_exps.weight}, experts in ne[2]), as the converter
 * merges them: see {@link #withExperts} and {@link #expertPart}.
 */
public final class HfNames {
    private final String layers; // the prefix of block tensors, "model.layers."
    private final Map<String, String> global;
    private final Map<String, String> block;
    private final Map<String, String> parameters; // bare block parameters ("mixer.A_log") -> bare GGUF names ("ssm_a")
    private final Map<String, Map<String, String>> experts; // experts' module -> (projection -> GGUF module), in merge order

    private HfNames(String layers, Map<String, String> global, Map<String, String> block, Map<String, String> parameters,
                    Map<String, Map<String, String>> experts) {
        this.layers = layers;
        this.global = global;
        this.block = block;
        this.parameters = parameters;
        this.experts = experts;
    }

    /**
     * One expert's matrix of a stacked GGUF tensor.
     *
     * @param stacked the stacked tensor's GGUF name ({@code blk.3.ffn_gate_exps.weight})
     * @param expert  its index in ne[2]
     * @param group   the GGUF names the converter writes together once every expert of the layer's module
     *                has arrived, in its order (this one among them)
     */
    public record ExpertPart(String stacked, int expert, List<String> group) {
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
        return new HfNames("model.layers.", global, block, Map.of(), Map.of());
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
        return new HfNames(layers, global, b, parameters, experts);
    }

    /**
     * Names of a family whose blocks live elsewhere ({@code "backbone.layers."} for Mamba), with only its
     * own global tensors and block modules (added with {@link #withGlobal} and {@link #with}).
     */
    public static HfNames of(String layerPrefix) {
        return new HfNames(layerPrefix, Map.of(), Map.of(), Map.of(), Map.of());
    }

    /**
     * These names with a bare block parameter, one without {@code .weight} or {@code .bias}
     * ({@code "mixer.A_log"}), mapped to a GGUF name as the converter gives it: bare ({@code "ssm_a"}:
     * {@code blk.N.ssm_a}, Mamba) or with a suffix ({@code "attn_sinks.weight"}, gpt-oss's sinks).
     */
    public HfNames withParameter(String hfParameter, String gguf) {
        Map<String, String> p = new LinkedHashMap<>(parameters);
        p.put(hfParameter, gguf);
        return new HfNames(layers, global, block, p, experts);
    }

    /** These names with a global tensor ({@code "model.norm.weight"}) mapped to a GGUF name. */
    public HfNames withGlobal(String hfName, String gguf) {
        Map<String, String> g = new LinkedHashMap<>(global);
        g.put(hfName, gguf);
        return new HfNames(layers, g, block, parameters, experts);
    }

    /**
     * These names with the experts of a block module stacked: {@code withExperts("mlp.experts", "down_proj",
     * "ffn_down_exps", "gate_proj", "ffn_gate_exps", "up_proj", "ffn_up_exps")} maps
     * {@code model.layers.N.mlp.experts.E.gate_proj.weight} to expert E of {@code blk.N.ffn_gate_exps.weight};
     * the pairs are in the order the converter writes the stacked tensors.
     */
    public HfNames withExperts(String hfModule, String... projectionThenGguf) {
        if (projectionThenGguf.length == 0 || projectionThenGguf.length % 2 != 0) {
            throw new IllegalArgumentException("expected projection and GGUF module pairs");
        }
        Map<String, String> kinds = new LinkedHashMap<>();
        for (int i = 0; i < projectionThenGguf.length; i += 2) {
            kinds.put(projectionThenGguf[i], projectionThenGguf[i + 1]);
        }
        Map<String, Map<String, String>> e = new LinkedHashMap<>(experts);
        e.put(hfModule, kinds);
        return new HfNames(layers, global, block, parameters, e);
    }

    /** The stacked tensor a Hugging Face expert matrix belongs to, or empty for any other name. */
    public Optional<ExpertPart> expertPart(String hfName) {
        int[] layer = new int[1];
        String rest = blockPart(hfName, layer);
        if (rest == null || !rest.endsWith(".weight")) {
            return Optional.empty();
        }
        for (Map.Entry<String, Map<String, String>> m : experts.entrySet()) {
            String prefix = m.getKey() + ".";
            if (!rest.startsWith(prefix)) {
                continue;
            }
            String[] parts = rest.substring(prefix.length(), rest.length() - ".weight".length()).split("\\.", -1);
            String gguf = parts.length == 2 ? m.getValue().get(parts[1]) : null;
            if (gguf == null || !isIndex(parts[0])) {
                return Optional.empty();
            }
            List<String> group = new ArrayList<>();
            m.getValue().values().forEach(g -> group.add("blk." + layer[0] + "." + g + ".weight"));
            return Optional.of(new ExpertPart("blk." + layer[0] + "." + gguf + ".weight", Integer.parseInt(parts[0]), List.copyOf(group)));
        }
        return Optional.empty();
    }

    /** The GGUF name of a Hugging Face tensor name, or empty for a name outside the table. */
    public Optional<String> toGguf(String hfName) {
        String g = global.get(hfName);
        if (g != null) {
            return Optional.of(g);
        }
        int[] layer = new int[1];
        String rest = blockPart(hfName, layer);
        if (rest == null) {
            return Optional.empty();
        }
        String suffix;
        if (rest.endsWith(".weight")) {
            suffix = "weight";
        } else if (rest.endsWith(".bias")) {
            suffix = "bias";
        } else {
            return Optional.ofNullable(parameters.get(rest)).map(bare -> "blk." + layer[0] + "." + bare);
        }
        String module = block.get(rest.substring(0, rest.length() - suffix.length() - 1));
        return module == null ? Optional.empty() : Optional.of("blk." + layer[0] + "." + module + "." + suffix);
    }

    /** What follows {@code model.layers.N.} in a block tensor's name, with N in {@code layer[0]}; null for other names. */
    private String blockPart(String hfName, int[] layer) {
        if (!hfName.startsWith(layers)) {
            return null;
        }
        int dot = hfName.indexOf('.', layers.length());
        if (dot < 0) {
            return null;
        }
        String index = hfName.substring(layers.length(), dot);
        if (!isIndex(index)) {
            return null;
        }
        layer[0] = Integer.parseInt(index);
        return hfName.substring(dot + 1);
    }

    /** A decimal index without leading zeros, of at most 9 digits. */
    private static boolean isIndex(String s) {
        return !s.isEmpty() && s.length() <= 9 && s.chars().allMatch(ch -> ch >= '0' && ch <= '9')
                && (s.length() == 1 || s.charAt(0) != '0');
    }
}
