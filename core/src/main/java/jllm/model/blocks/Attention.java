package jllm.model.blocks;

import jllm.kernel.Kernels;
import jllm.model.KvCache;

/**
 * Causal multi-head attention with grouped-query heads over a {@link KvCache}: query head {@code h}
 * reads KV head {@code h / (numHeads / numKvHeads)}; scores are scaled by 1/sqrt(headDim).
 */
public final class Attention {
    private final int numHeads;
    private final int numKvHeads;
    private final int headDim;
    private final float scale;

    private final Kernels kernels;

    public Attention(int numHeads, int numKvHeads, int headDim, Kernels kernels) {
        if (numKvHeads <= 0 || numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(numHeads + " query heads cannot be grouped over " + numKvHeads + " KV heads");
        }
        this.numHeads = numHeads;
        this.numKvHeads = numKvHeads;
        this.headDim = headDim;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        this.kernels = kernels;
    }

    /**
     * Attends from head {@code h} of the query row {@code q[qOff ..]} (numHeads * headDim values) at
     * position {@code pos} over positions 0..pos of layer {@code layer}, writing headDim values to
     * {@code out[outOff + h * headDim ..]}. Heads are independent, so callers may run them on any thread.
     */
    public void applyHead(float[] out, int outOff, float[] q, int qOff, KvCache cache, int layer, int pos, int h) {
        float[] keys = cache.keys(layer);
        float[] values = cache.values(layer);
        int kvDim = numKvHeads * headDim;
        int kvOff = (h / (numHeads / numKvHeads)) * headDim;
        float[] qh = new float[headDim];
        float[] scores = new float[pos + 1];
        // the query is rounded as the cache's storage is (ggml converts it to F16 for an F16 cache)
        for (int i = 0; i < headDim; i++) {
            qh[i] = cache.round(q[qOff + h * headDim + i]);
        }
        // scores: scaled dot products with every cached key of this head's KV group
        kernels.dots(scores, 0, qh, 0, keys, kvOff, kvDim, pos + 1, headDim);
        for (int t = 0; t <= pos; t++) {
            scores[t] *= scale;
        }
        Softmax.apply(scores, 0, pos + 1);
        // weighted sum of the values; softmax weights are rounded like the cache too (F16 product with V)
        for (int t = 0; t <= pos; t++) {
            scores[t] = cache.round(scores[t]);
        }
        kernels.weightedSum(out, outOff + h * headDim, scores, 0, values, kvOff, kvDim, pos + 1, headDim);
    }

    /** Number of query heads. */
    public int numHeads() {
        return numHeads;
    }
}
