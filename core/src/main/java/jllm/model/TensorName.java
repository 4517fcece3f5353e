package jllm.model;

/**
 * GGUF tensor names of the transformer weights, in one place. Per-layer names take the layer index.
 */
public enum TensorName {
    TOKEN_EMBD("token_embd.weight"),
    OUTPUT_NORM("output_norm.weight"),
    OUTPUT("output.weight"),
    ROPE_FREQS("rope_freqs.weight"),
    ATTN_NORM("blk.%d.attn_norm.weight"),
    ATTN_Q("blk.%d.attn_q.weight"),
    ATTN_K("blk.%d.attn_k.weight"),
    ATTN_V("blk.%d.attn_v.weight"),
    ATTN_Q_BIAS("blk.%d.attn_q.bias"),
    ATTN_K_BIAS("blk.%d.attn_k.bias"),
    ATTN_V_BIAS("blk.%d.attn_v.bias"),
    ATTN_OUTPUT("blk.%d.attn_output.weight"),
    FFN_NORM("blk.%d.ffn_norm.weight"),
    FFN_GATE("blk.%d.ffn_gate.weight"),
    FFN_UP("blk.%d.ffn_up.weight"),
    FFN_DOWN("blk.%d.ffn_down.weight");

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
