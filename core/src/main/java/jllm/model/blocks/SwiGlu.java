package jllm.model.blocks;

/** The gated activation of Llama-family feed-forward layers: silu(gate) * up. */
public final class SwiGlu {
    private SwiGlu() {
    }

    /** gate[i] = silu(gate[i]) * up[i] for i in [0, n); silu(x) = x / (1 + e^-x), as ggml_silu_f32. */
    public static void apply(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1.0f + (float) Math.exp(-g)) * up[i];
        }
    }
}
