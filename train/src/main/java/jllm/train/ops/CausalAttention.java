package jllm.train.ops;

import jllm.kernel.Dense;

/**
 * Causal grouped-query attention over a batch of sequences: query head h reads KV head
 * {@code h / (numHeads / numKvHeads)}; scores are scaled by 1/sqrt(headDim), masked to positions at or
 * before the query's, and normalized with a softmax (float exponentials, sum in double, as inference's
 * {@link jllm.model.blocks.Softmax}; the exponentials are the dense kernels' vector ones, within 2 ulp
 * of Math.exp). Sequences and KV groups run in parallel on the dense kernels' threads; each works on
 * small per-head copies so the products are plain dense ones.
 */
public final class CausalAttention {
    private final int numHeads;
    private final int numKvHeads;
    private final int headDim;
    private final float scale;

    public CausalAttention(int numHeads, int numKvHeads, int headDim) {
        if (numKvHeads <= 0 || numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(numHeads + " query heads cannot be grouped over " + numKvHeads + " KV heads");
        }
        this.numHeads = numHeads;
        this.numKvHeads = numKvHeads;
        this.headDim = headDim;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    /**
     * out (batch·seqLen, numHeads·headDim) from q (same shape) and k, v (batch·seqLen, numKvHeads·headDim);
     * keeps the attention weights in probs (batch, numHeads, seqLen, seqLen), zero above the diagonal.
     */
    public void forward(Dense dense, float[] out, float[] probs, float[] q, float[] k, float[] v, int batch, int seqLen) {
        int T = seqLen;
        int hd = headDim;
        int group = numHeads / numKvHeads;
        dense.parallelFor(batch * numKvHeads, item -> {
            int b = item / numKvHeads;
            int kvh = item % numKvHeads;
            float[] kt = new float[hd * T]; // (headDim, T) keys of this KV head, transposed
            float[] vh = new float[T * hd]; // (T, headDim)
            gather(kt, k, b, kvh, numKvHeads, T, true);
            gather(vh, v, b, kvh, numKvHeads, T, false);
            float[] qh = new float[T * hd]; // (T, headDim)
            float[] oh = new float[T * hd]; // (T, headDim)
            for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                int p = (b * numHeads + h) * T * T;
                gather(qh, q, b, h, numHeads, T, false);
                // scores = q · kᵀ, scaled and causally masked, then softmax per query row
                dense.matmulOnThisThread(probs, p, qh, 0, kt, 0, T, hd, T, false);
                for (int i = 0; i < T; i++) {
                    softmaxRow(dense, probs, p + i * T, i + 1, T);
                }
                // out = weights · v
                dense.matmulOnThisThread(oh, 0, probs, p, vh, 0, T, T, hd, false);
                scatter(out, oh, b, h, numHeads, T);
            }
        });
    }

    /**
     * dq (set), dk and dv (set) from dout, given the forward's inputs and weights. With P the weights
     * and dP = dout · vᵀ: dS = P ⊙ (dP − rowsum(P ⊙ dP)) · scale, dq = dS · k, dk = dSᵀ · q, dv = Pᵀ · dout.
     */
    public void backward(Dense dense, float[] dq, float[] dk, float[] dv, float[] dout, float[] probs, float[] q,
                         float[] k, float[] v, int batch, int seqLen) {
        int T = seqLen;
        int hd = headDim;
        int group = numHeads / numKvHeads;
        dense.parallelFor(batch * numKvHeads, item -> {
            int b = item / numKvHeads;
            int kvh = item % numKvHeads;
            float[] kh = new float[T * hd];  // (T, headDim)
            float[] vt = new float[hd * T];  // (headDim, T)
            float[] dkh = new float[T * hd]; // (T, headDim), summed over the group's query heads
            float[] dvh = new float[T * hd]; // (T, headDim)
            float[] qh = new float[T * hd];
            float[] doh = new float[T * hd];
            float[] dqh = new float[T * hd];
            float[] ds = new float[T * T];   // (T, T)
            gather(kh, k, b, kvh, numKvHeads, T, false);
            gather(vt, v, b, kvh, numKvHeads, T, true);
            for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                int p = (b * numHeads + h) * T * T;
                gather(qh, q, b, h, numHeads, T, false);
                gather(doh, dout, b, h, numHeads, T, false);
                // dv += Pᵀ · dout
                dense.matmulTransposedAOnThisThread(dvh, 0, probs, p, doh, 0, T, T, hd, true);
                // dP = dout · vᵀ, then through the softmax and the scale
                dense.matmulOnThisThread(ds, 0, doh, 0, vt, 0, T, hd, T, false);
                for (int i = 0; i < T; i++) {
                    double dot = 0;
                    for (int j = 0; j <= i; j++) {
                        dot += (double) probs[p + i * T + j] * ds[i * T + j];
                    }
                    for (int j = 0; j < T; j++) {
                        float pij = probs[p + i * T + j];
                        ds[i * T + j] = pij == 0f ? 0f : pij * (float) (ds[i * T + j] - dot) * scale;
                    }
                }
                // dq = dS · k ; dk += dSᵀ · q
                dense.matmulOnThisThread(dqh, 0, ds, 0, kh, 0, T, T, hd, false);
                scatter(dq, dqh, b, h, numHeads, T);
                dense.matmulTransposedAOnThisThread(dkh, 0, ds, 0, qh, 0, T, T, hd, true);
            }
            scatter(dk, dkh, b, kvh, numKvHeads, T);
            scatter(dv, dvh, b, kvh, numKvHeads, T);
        });
    }

    /**
     * Scales row [0, len) of scores, softmaxes it and zeroes [len, T). As inference's softmax (x − max in
     * float, sum in double), but with the kernels' vector exponential (within 2 ulp of Math.exp).
     */
    private void softmaxRow(Dense dense, float[] s, int off, int len, int T) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) {
            s[off + j] *= scale;
            max = Math.max(max, s[off + j]);
        }
        for (int j = 0; j < len; j++) {
            s[off + j] -= max;
        }
        dense.expOnThisThread(s, off, s, off, len);
        double sum = 0;
        for (int j = 0; j < len; j++) {
            sum += s[off + j];
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < len; j++) {
            s[off + j] *= inv;
        }
        java.util.Arrays.fill(s, off + len, off + T, 0f);
    }

    /** Copies head h of sequence b from x (batch·T, heads·headDim) into dst (T, headDim), or (headDim, T). */
    private void gather(float[] dst, float[] x, int b, int h, int heads, int T, boolean transposed) {
        int stride = heads * headDim;
        for (int t = 0; t < T; t++) {
            int src = (b * T + t) * stride + h * headDim;
            if (transposed) {
                for (int d = 0; d < headDim; d++) {
                    dst[d * T + t] = x[src + d];
                }
            } else {
                System.arraycopy(x, src, dst, t * headDim, headDim);
            }
        }
    }

    /** Writes src (T, headDim) into head h of sequence b of x (batch·T, heads·headDim). */
    private void scatter(float[] x, float[] src, int b, int h, int heads, int T) {
        int stride = heads * headDim;
        for (int t = 0; t < T; t++) {
            System.arraycopy(src, t * headDim, x, (b * T + t) * stride + h * headDim, headDim);
        }
    }
}
