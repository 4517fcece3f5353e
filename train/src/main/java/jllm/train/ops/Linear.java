package jllm.train.ops;

import jllm.kernel.Dense;

/** A bias-free linear layer {@code y = x · wᵀ} with {@code w} of shape (out, in), as GGUF stores it. */
public final class Linear {
    private Linear() {
    }

    /** y (n, out) = x (n, in) · wᵀ. */
    public static void forward(Dense dense, float[] y, float[] x, float[] w, int n, int in, int out) {
        dense.matmulTransposedB(y, x, w, n, in, out, false);
    }

    /**
     * dw (out, in) += dyᵀ · x; dx (n, in) = dy · w, or {@code +=} when {@code accumulateDx} (several
     * layers reading one input).
     */
    public static void backward(Dense dense, float[] dx, float[] dw, float[] dy, float[] x, float[] w, int n, int in,
                                int out, boolean accumulateDx) {
        dense.matmulTransposedA(dw, dy, x, out, n, in, true);
        if (dx != null) {
            dense.matmul(dx, dy, w, n, out, in, accumulateDx);
        }
    }
}
