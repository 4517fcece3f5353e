package jllm.model.blocks;

import jllm.kernel.Kernels;

/** The gated activation of Llama-family feed-forward layers: silu(gate) * up. */
public final class SwiGlu {
    /**
     * Values per part when the activation is spread over the kernels' threads: a part costs about 20 µs
     * (an exponential per value), well above a hand-off, so a decoding step of a 1B model (8192 values)
     * uses both cores and a 135M one (1536) stays on one.
     */
    static final int PART = 2048;

    private SwiGlu() {
    }

    /** gate[i] = silu(gate[i]) * up[i] for i in [0, n); silu(x) = x / (1 + e^-x), as ggml_silu_f32. */
    public static void apply(float[] gate, float[] up, int n) {
        apply(gate, up, 0, n);
    }

    /**
     * {@link #apply(float[], float[], int)} spread over {@code kernels}' threads in parts of {@link #PART}
     * values: the same values (each is computed on its own), a prompt's feed-forward no longer waits on
     * one core for it.
     */
    public static void apply(Kernels kernels, float[] gate, float[] up, int n) {
        int parts = (n + PART - 1) / PART;
        if (parts <= 1) {
            apply(gate, up, 0, n);
            return;
        }
        kernels.parallelFor(parts, part -> apply(gate, up, part * PART, Math.min(n, (part + 1) * PART)));
    }

    private static void apply(float[] gate, float[] up, int from, int to) {
        for (int i = from; i < to; i++) {
            float g = gate[i];
            gate[i] = g / (1.0f + (float) Math.exp(-g)) * up[i];
        }
    }
}
