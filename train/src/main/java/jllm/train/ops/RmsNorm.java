package jllm.train.ops;

/**
 * RMSNorm {@code y = x / sqrt(mean(x²) + eps) * w}, computed exactly as inference's
 * {@link jllm.model.blocks.RmsNorm} (sum of squares in double, scale in float) so trained weights give
 * the same logits there.
 */
public final class RmsNorm {
    private RmsNorm() {
    }

    /** y (n, dim) from x (n, dim); keeps each row's scale 1/rms in {@code rstd} (n). */
    public static void forward(float[] y, float[] rstd, float[] x, float[] w, int n, int dim, float eps) {
        for (int r = 0; r < n; r++) {
            int o = r * dim;
            double sum = 0;
            for (int i = 0; i < dim; i++) {
                float v = x[o + i];
                sum += (double) (v * v);
            }
            float mean = (float) (sum / dim);
            float scale = (float) (1.0 / Math.sqrt(mean + eps));
            rstd[r] = scale;
            for (int i = 0; i < dim; i++) {
                y[o + i] = (x[o + i] * scale) * w[i];
            }
        }
    }

    /**
     * dx += the gradient through the norm; dw += dy · x · rstd. With s = rstd and g = dy · w:
     * dx = s·g − s³/dim · x · Σ(g · x).
     */
    public static void backward(float[] dx, float[] dw, float[] dy, float[] x, float[] w, float[] rstd, int n, int dim) {
        for (int r = 0; r < n; r++) {
            int o = r * dim;
            float s = rstd[r];
            double dot = 0;
            for (int i = 0; i < dim; i++) {
                dot += (double) dy[o + i] * w[i] * x[o + i];
            }
            float k = (float) (dot * s * s * s / dim);
            for (int i = 0; i < dim; i++) {
                dw[i] += dy[o + i] * x[o + i] * s;
                dx[o + i] += s * dy[o + i] * w[i] - k * x[o + i];
            }
        }
    }
}
