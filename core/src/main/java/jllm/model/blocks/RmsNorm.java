package jllm.model.blocks;

/** Root-mean-square layer normalization, as ggml_rms_norm followed by a multiply with the weight. */
public final class RmsNorm {
    private RmsNorm() {
    }

    /**
     * out[i] = x[i] / sqrt(mean(x^2) + eps) * weight[i] over one row of {@code dim} values.
     * The sum of squares is accumulated in double, the scale computed in float, as ggml does.
     */
    public static void apply(float[] out, int outOff, float[] x, int xOff, float[] weight, int dim, float eps) {
        float scale = scale(x, xOff, dim, eps);
        for (int i = 0; i < dim; i++) {
            out[outOff + i] = (x[xOff + i] * scale) * weight[i];
        }
    }

    /** 1 / rms of x[xOff, xOff + dim): the sum of squares in double, the scale in float, as ggml does. */
    public static float scale(float[] x, int xOff, int dim, float eps) {
        double sum = 0;
        for (int i = 0; i < dim; i++) {
            float v = x[xOff + i];
            sum += (double) (v * v);
        }
        float mean = (float) (sum / dim);
        return (float) (1.0 / Math.sqrt(mean + eps));
    }

    /** Normalizes {@code n} consecutive rows of {@code dim} values. */
    public static void applyRows(float[] out, float[] x, float[] weight, int dim, int n, float eps) {
        for (int r = 0; r < n; r++) {
            apply(out, r * dim, x, r * dim, weight, dim, eps);
        }
    }
}
