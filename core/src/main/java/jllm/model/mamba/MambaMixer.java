package jllm.model.mamba;

import jllm.kernel.Kernels;
import jllm.kernel.Transcendentals;
import jllm.model.blocks.Pass;

/**
 * The sequence-mixing steps of a Mamba layer (transformers' {@code MambaMixer.slow_forward}) over a
 * pass's rows. Channels are independent, so each step runs channels in parallel and, per channel, the
 * rows in order: rows of one sequence are consecutive, and each row reads and updates its sequence's
 * {@link jllm.model.RecurrentState} (a prompt is a sequential scan inside one forward call; its
 * projections are matmuls over all rows).
 *
 * <p>A layer's state: the last convKernel - 1 inputs, (convKernel - 1, innerSize), then the SSM state,
 * (innerSize, stateSize).
 */
final class MambaMixer {
    /** Above this, softplus(v) = v in float (torch's threshold). */
    private static final float SOFTPLUS_THRESHOLD = 20f;

    private final MambaConfig c;
    private final Kernels kernels;
    private final Transcendentals math;

    MambaMixer(MambaConfig c, Kernels kernels) {
        this.c = c;
        this.kernels = kernels;
        this.math = kernels.math();
    }

    /**
     * Causal depthwise convolution of x (the first innerSize values of each row of {@code xz}, (n, 2 *
     * innerSize)) over each channel's last convKernel inputs, plus the bias, then SiLU: (n, innerSize).
     */
    float[] convolve(Pass p, int layer, float[] xz, MambaWeights.Layer w) {
        int inner = c.innerSize();
        int k = c.convKernel();
        float[] out = new float[p.n() * inner];
        kernels.parallelFor(inner, ch -> {
            for (int i = 0; i < p.n(); i++) {
                float[] s = p.state(i).layer(layer);
                float in = xz[i * 2 * inner + ch];
                float sum = w.convBias() == null ? 0f : w.convBias()[ch];
                for (int t = 0; t < k - 1; t++) {
                    sum += w.conv()[ch * k + t] * s[t * inner + ch];
                }
                sum += w.conv()[ch * k + k - 1] * in;
                // the window moves on by one input
                for (int t = 0; t < k - 2; t++) {
                    s[t * inner + ch] = s[(t + 1) * inner + ch];
                }
                if (k > 1) {
                    s[(k - 2) * inner + ch] = in;
                }
                out[i * inner + ch] = silu(sum);
            }
        });
        return out;
    }

    /** dt = softplus(dt_proj(dt_low) + bias) from the first timeStepRank values of each row of {@code dbc}: (n, innerSize). */
    float[] timeSteps(Pass p, float[] dbc, MambaWeights.Layer w) {
        int rank = c.timeStepRank();
        int width = c.dbcWidth();
        int inner = c.innerSize();
        float[] low = new float[p.n() * rank];
        for (int i = 0; i < p.n(); i++) {
            System.arraycopy(dbc, i * width, low, i * rank, rank);
        }
        float[] dt = new float[p.n() * inner];
        kernels.matmul(dt, w.dt(), low, p.n());
        for (int i = 0; i < p.n(); i++) {
            for (int ch = 0; ch < inner; ch++) {
                float v = dt[i * inner + ch] + w.dtBias()[ch];
                dt[i * inner + ch] = v > SOFTPLUS_THRESHOLD ? v : (float) Math.log1p(math.exp(v));
            }
        }
        return dt;
    }

    /**
     * The selective scan: per channel and row, h = exp(dt A) h + (dt B) x over the state, y = C·h + D x,
     * gated by silu(z) (z: the second innerSize values of each row of {@code xz}). Returns (n, innerSize).
     */
    float[] scan(Pass p, int layer, float[] x, float[] dt, float[] dbc, float[] xz, MambaWeights.Layer w) {
        int inner = c.innerSize();
        int states = c.stateSize();
        int width = c.dbcWidth();
        int base = (c.convKernel() - 1) * inner;
        float[] out = new float[p.n() * inner];
        kernels.parallelFor(inner, ch -> {
            for (int i = 0; i < p.n(); i++) {
                float[] s = p.state(i).layer(layer);
                int h = base + ch * states;
                int b = i * width + c.timeStepRank();
                int cc = b + states;
                float d = dt[i * inner + ch];
                float xv = x[i * inner + ch];
                float y = 0f;
                for (int j = 0; j < states; j++) {
                    float v = math.exp(d * w.a()[ch * states + j]) * s[h + j] + d * dbc[b + j] * xv;
                    s[h + j] = v;
                    y += v * dbc[cc + j];
                }
                y += xv * w.d()[ch];
                out[i * inner + ch] = y * silu(xz[i * 2 * inner + inner + ch]);
            }
        });
        return out;
    }

    private float silu(float v) {
        return v / (1f + math.exp(-v));
    }
}
