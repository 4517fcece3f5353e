package jllm.model;

/**
 * The GGUF tensor names that several families share (llama.cpp's names), in one place; a name only one
 * family uses lives in that family's package. Per-layer names take the layer index.
 */
public enum TensorName {
    TOKEN_EMBD("token_embd.weight"),
    OUTPUT_NORM("output_norm.weight"),
    OUTPUT("output.weight"),
    ROPE_FREQS("rope_freqs.weight"),
    ROPE_FACTORS_LONG("rope_factors_long.weight"),
    ROPE_FACTORS_SHORT("rope_factors_short.weight"),
    ATTN_NORM("blk.%d.attn_norm.weight"),
    ATTN_Q("blk.%d.attn_q.weight"),
    ATTN_K("blk.%d.attn_k.weight"),
    ATTN_V("blk.%d.attn_v.weight"),
    ATTN_Q_BIAS("blk.%d.attn_q.bias"),
    ATTN_K_BIAS("blk.%d.attn_k.bias"),
    ATTN_V_BIAS("blk.%d.attn_v.bias"),
    ATTN_QKV("blk.%d.attn_qkv.weight"),
    ATTN_Q_NORM("blk.%d.attn_q_norm.weight"),
    ATTN_K_NORM("blk.%d.attn_k_norm.weight"),
    ATTN_OUTPUT("blk.%d.attn_output.weight"),
    ATTN_POST_NORM("blk.%d.post_attention_norm.weight"),
    FFN_NORM("blk.%d.ffn_norm.weight"),
    FFN_GATE("blk.%d.ffn_gate.weight"),
    FFN_UP("blk.%d.ffn_up.weight"),
    FFN_DOWN("blk.%d.ffn_down.weight"),
    FFN_GATE_INP("blk.%d.ffn_gate_inp.weight"),
    FFN_GATE_EXPS("blk.%d.ffn_gate_exps.weight"),
    FFN_UP_EXPS("blk.%d.ffn_up_exps.weight"),
    FFN_DOWN_EXPS("blk.%d.ffn_down_exps.weight"),
    FFN_POST_NORM("blk.%d.post_ffw_norm.weight");

    private final String pattern;

    TensorName(String pattern) {
        this.pattern = pattern;
    }

    /** The name of a global tensor. */
    public String global() {
        if (pattern.contains("%d")) {
            throw new IllegalStateException(this + " is a per-layer tensor");
        }
        return pattern;
    }

    /** The name of this tensor in layer {@code layer}. */
    public String layer(int layer) {
        if (!pattern.contains("%d")) {
            throw new IllegalStateException(this + " is not a per-layer tensor");
        }
        return pattern.replace("%d", Integer.toString(layer));
    }
}
