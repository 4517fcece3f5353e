package jllm.model.blocks;

import jllm.kernel.Kernels;
import jllm.kernel.Transcendentals;
import jllm.tensor.Tensor;

/**
 * Gated feed-forward layers: {@code down(act(gate(x)) * up(x))}, with SiLU (SwiGLU: Llama, Qwen, Phi,
 * ...), the tanh form of GELU (GeGLU: Gemma), or gpt-oss's clamped SwiGLU.
 */
public final class Glu {

    /** The activation applied to the gate. */
    public enum Activation {
        /** silu(x) = x / (1 + e^-x), as ggml_silu_f32. */
        SILU,
        /** gelu(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as ggml_gelu and PyTorch's tanh form. */
        GELU_TANH,
        /**
         * gpt-oss's clamped SwiGLU, as ggml_swiglu_oai and transformers' GptOssExperts (both fix alpha 1.702
         * and limit 7): g = min(gate, 7), u = clamp(up, -7, 7), g sigmoid(1.702 g) (u + 1).
         */
        SWIGLU_OAI
    }

    private static final float OAI_ALPHA = 1.702f;
    private static final float OAI_LIMIT = 7f;

    /**
     * Values per part when the activation is spread over the kernels' threads: a part costs about 20 µs
     * (an exponential per value), well above a hand-off, so a decoding step of a 1B model (8192 values)
     * uses both cores and a 135M one (1536) stays on one.
     */
    static final int PART = 2048;

    private static final float SQRT_2_OVER_PI = 0.79788456080286535587989211986876f;
    private static final float GELU_COEF_A = 0.044715f;

    private Glu() {
    }

    /**
     * The feed-forward sublayer over a pass's rows: {@code in} (n, dim) through gate and up, the gated
     * activation, then down. Returns (n, dim) in {@link Pass.Slot#OUT}.
     */
    public static float[] apply(Pass p, float[] in, Tensor gate, Tensor up, Tensor down, Activation act) {
        float[][] gu = p.matmul(new Pass.Slot[] {Pass.Slot.GATE, Pass.Slot.UP}, new Tensor[] {gate, up}, in);
        int hidden = Math.toIntExact(gate.rows());
        apply(p.kernels(), act, gu[0], gu[1], p.n() * hidden);
        return p.matmul(Pass.Slot.OUT, down, gu[0]);
    }

    /** gate[i] = act(gate[i]) * up[i] for i in [0, n), on one thread: the reference. */
    public static void apply(Activation act, float[] gate, float[] up, int n) {
        apply(act, gate, up, 0, n, Transcendentals.FAST);
    }

    /**
     * {@link #apply(Activation, float[], float[], int)} spread over {@code kernels}' threads in parts of
     * {@link #PART} values: the same values (each is computed on its own), a prompt's feed-forward no
     * longer waits on one core for it.
     */
    public static void apply(Kernels kernels, Activation act, float[] gate, float[] up, int n) {
        int parts = (n + PART - 1) / PART;
        Transcendentals math = kernels.math();
        if (parts <= 1) {
            apply(act, gate, up, 0, n, math);
            return;
        }
        kernels.parallelFor(parts, part -> apply(act, gate, up, part * PART, Math.min(n, (part + 1) * PART), math));
    }

    private static void apply(Activation act, float[] gate, float[] up, int from, int to, Transcendentals math) {
        if (act == Activation.SILU) {
            for (int i = from; i < to; i++) {
                float g = gate[i];
                gate[i] = g / (1.0f + math.exp(-g)) * up[i];
            }
        } else if (act == Activation.SWIGLU_OAI) {
            for (int i = from; i < to; i++) {
                float g = Math.min(gate[i], OAI_LIMIT);
                float u = Math.min(Math.max(up[i], -OAI_LIMIT), OAI_LIMIT);
                gate[i] = g / (1.0f + math.exp(-OAI_ALPHA * g)) * (u + 1.0f);
            }
        } else {
            for (int i = from; i < to; i++) {
                float g = gate[i];
                gate[i] = 0.5f * g * (1.0f + math.tanh(SQRT_2_OVER_PI * g * (1.0f + GELU_COEF_A * g * g))) * up[i];
            }
        }
    }
}
