package jllm.train.ops;

import jllm.kernel.Dense;

/**
 * RMSNorm {@code y = x / sqrt(mean(x²) + eps) * w}, computed exactly as inference's
 * {@link jllm.model.blocks.RmsNorm} (sum of squares in double, scale in float) so trained weights give
 * the same logits there. Rows run in parallel on the dense kernels' threads.
 */
public final class RmsNorm {
    private RmsNorm() {
    }

    /** y (n, dim) from x (n, dim); keeps each row's scale 1/rms in {@code rstd} (n). */
    public static void forward(Dense dense, float[] y, float[] rstd, float[] x, float[] w, int n, int dim, float eps) {
        dense.parallelFor(n, r -> {
            int o = r * dim;
            float scale = jllm.model.blocks.RmsNorm.scale(x, o, dim, eps); // as inference computes it
            rstd[r] = scale;
            for (int i = 0; i < dim; i++) {
                y[o + i] = (x[o + i] * scale) * w[i];
            }
        });
    }

    /**
     * dx += the gradient through the norm; dw += Σ_rows dy · x · rstd. With s = rstd and g = dy · w:
     * dx = s·g − s³/dim · x · Σ(g · x).
     */
    public static void backward(Dense dense, float[] dx, float[] dw, float[] dy, float[] x, float[] w, float[] rstd,
                                int n, int dim) {
        dense.parallelFor(n, r -> {
            int o = r * dim;
            float s = rstd[r];
            float dot = 0;
            for (int i = 0; i < dim; i++) {
                dot += dy[o + i] * w[i] * x[o + i];
            }
            float k = dot * s * s * s / dim;
            for (int i = 0; i < dim; i++) {
                dx[o + i] += s * dy[o + i] * w[i] - k * x[o + i];
            }
        });
        // the weight gradient sums over rows: one thread, rows outer so the inner loop vectorizes
        for (int r = 0; r < n; r++) {
            int o = r * dim;
            float s = rstd[r];
            for (int i = 0; i < dim; i++) {
                dw[i] += dy[o + i] * x[o + i] * s;
            }
        }
    }
}
