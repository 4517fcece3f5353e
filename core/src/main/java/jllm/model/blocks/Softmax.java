package jllm.model.blocks;

import jllm.kernel.Transcendentals;

/** Softmax as ggml computes it: float exponentials of x - max, summed in double. */
public final class Softmax {
    private Softmax() {
    }

    /** In place over x[off, off + n). */
    public static void apply(float[] x, int off, int n) {
        apply(x, off, n, Transcendentals.FAST);
    }

    /** In place over x[off, off + n), with the exponential of {@code math}. */
    public static void apply(float[] x, int off, int n, Transcendentals math) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            x[off + i] *= inv;
        }
    }
}
