package jllm.train.ops;

import jllm.kernel.Dense;

/**
 * The gated activation {@code h = silu(g) · u}, silu(g) = g·σ(g), as inference's SwiGlu. The forward
 * keeps σ(g) so the backward needs no exponentials.
 */
public final class SwiGlu {
    private SwiGlu() {
    }

    /** h = g · σ(g) · u over n values; keeps σ(g) in {@code sig}. */
    public static void forward(Dense dense, float[] h, float[] sig, float[] g, float[] u, int n) {
        dense.sigmoid(sig, g, n);
        Split.rows(dense, n, (from, to) -> {
            for (int i = from; i < to; i++) {
                h[i] = g[i] * sig[i] * u[i];
            }
        });
    }

    /** dg = dh · u · silu'(g), du = dh · silu(g), with silu'(g) = σ(g)(1 + g(1 − σ(g))). Overwrites dg, du. */
    public static void backward(float[] dg, float[] du, float[] dh, float[] g, float[] u, float[] sig, int n) {
        backward(dg, du, dh, g, u, sig, 0, n);
    }

    /** {@link #backward(float[], float[], float[], float[], float[], float[], int)} on the dense kernels' threads. */
    public static void backward(Dense dense, float[] dg, float[] du, float[] dh, float[] g, float[] u, float[] sig, int n) {
        Split.rows(dense, n, (from, to) -> backward(dg, du, dh, g, u, sig, from, to));
    }

    private static void backward(float[] dg, float[] du, float[] dh, float[] g, float[] u, float[] sig, int from, int to) {
        for (int i = from; i < to; i++) {
            float x = g[i];
            float s = sig[i];
            dg[i] = dh[i] * u[i] * s * (1f + x * (1f - s));
            du[i] = dh[i] * x * s;
        }
    }
}
