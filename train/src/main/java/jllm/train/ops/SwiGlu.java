package jllm.train.ops;

/** The gated activation {@code h = silu(g) · u}, silu(g) = g·σ(g), as inference's SwiGlu. */
public final class SwiGlu {
    private SwiGlu() {
    }

    /** h = silu(g) * u over n values. */
    public static void forward(float[] h, float[] g, float[] u, int n) {
        for (int i = 0; i < n; i++) {
            float x = g[i];
            h[i] = x / (1.0f + (float) Math.exp(-x)) * u[i];
        }
    }

    /** dg = dh · u · silu'(g), du = dh · silu(g); silu'(g) = σ(g)(1 + g(1 − σ(g))). Overwrites dg, du. */
    public static void backward(float[] dg, float[] du, float[] dh, float[] g, float[] u, int n) {
        for (int i = 0; i < n; i++) {
            float x = g[i];
            float s = 1.0f / (1.0f + (float) Math.exp(-x));
            dg[i] = dh[i] * u[i] * s * (1f + x * (1f - s));
            du[i] = dh[i] * x * s;
        }
    }
}
