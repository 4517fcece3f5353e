package jllm.model.blocks;

import jllm.kernel.Kernels;
import jllm.model.AttentionCache;

/**
 * Causal multi-head attention with grouped-query heads over an {@link AttentionCache}: query head {@code h}
 * reads KV head {@code h / (numHeads / numKvHeads)}. What varies between families is a {@link Spec}:
 * the score scale, logit soft-capping, a sliding window, per-head sinks, and the rope (or none).
 *
 * <pre>{@code
 * Attention att = new Attention(Attention.Spec.of(32, 8, 64), rope, kernels);
 * float[] out = att.apply(pass, layer, q, k, v); // (n, numHeads * headDim)
 * }</pre>
 */
public final class Attention {

    /**
     * The shape and options of one layer's attention.
     *
     * @param numHeads   query heads
     * @param numKvHeads key/value heads (dividing numHeads)
     * @param headDim    values per head
     * @param scale      factor on q·k (1/sqrt(headDim) unless a family says otherwise)
     * @param softCap    logit soft-capping: score = softCap * tanh(score / softCap); 0 for none
     * @param window     sliding window: a query at position p sees positions (p - window, p]; 0 for all
     */
    public record Spec(int numHeads, int numKvHeads, int headDim, float scale, float softCap, int window) {
        public Spec {
            if (numKvHeads <= 0 || numHeads <= 0 || numHeads % numKvHeads != 0) {
                throw new IllegalArgumentException(numHeads + " query heads cannot be grouped over " + numKvHeads + " KV heads");
            }
            if (headDim <= 0 || window < 0 || !(softCap >= 0) || !Float.isFinite(scale)) {
                throw new IllegalArgumentException("invalid attention: head size " + headDim + ", window " + window
                        + ", soft-cap " + softCap + ", scale " + scale);
            }
        }

        /** Plain attention: scale 1/sqrt(headDim), no cap, no window. */
        public static Spec of(int numHeads, int numKvHeads, int headDim) {
            return new Spec(numHeads, numKvHeads, headDim, (float) (1.0 / Math.sqrt(headDim)), 0f, 0);
        }

        /** This spec with another score scale. */
        public Spec withScale(float s) {
            return new Spec(numHeads, numKvHeads, headDim, s, softCap, window);
        }

        /** This spec with logit soft-capping. */
        public Spec withSoftCap(float cap) {
            return new Spec(numHeads, numKvHeads, headDim, scale, cap, window);
        }

        /** This spec with a sliding window. */
        public Spec withWindow(int w) {
            return new Spec(numHeads, numKvHeads, headDim, scale, softCap, w);
        }

        /** numHeads * headDim: the width of a query row and of the output. */
        public int qDim() {
            return numHeads * headDim;
        }

        /** numKvHeads * headDim: the width of a key or value row. */
        public int kvDim() {
            return numKvHeads * headDim;
        }
    }

    private final Spec spec;
    private final Rope rope; // null: no position encoding in this layer
    private final Kernels kernels;

    /**
     * @param spec    heads and options
     * @param rope    the rotary embedding of q and k, or null for a layer without one
     * @param kernels dot products and threads
     */
    public Attention(Spec spec, Rope rope, Kernels kernels) {
        this.spec = spec;
        this.rope = rope;
        this.kernels = kernels;
    }

    /** Heads and options. */
    public Spec spec() {
        return spec;
    }

    /**
     * The attention of a pass's rows: rotates q (n, qDim) and k (n, kvDim) in place, stores k and v in
     * each row's cache at its position, and attends every head over its cache. {@code sinks} (numHeads
     * logits, or null) join each head's softmax as one more score whose weight is dropped. Returns
     * (n, qDim) in {@link Pass.Slot#ATTENTION}.
     */
    public float[] apply(Pass p, int layer, float[] q, float[] k, float[] v, float[] sinks) {
        int qDim = spec.qDim();
        int kvDim = spec.kvDim();
        for (int i = 0; i < p.n(); i++) {
            if (rope != null) {
                Rope r = rope.forContext(p.kv(i).maxContext());
                r.apply(q, i * qDim, spec.numHeads(), p.pos(i), kernels.math());
                r.apply(k, i * kvDim, spec.numKvHeads(), p.pos(i), kernels.math());
            }
            p.kv(i).store(layer, p.pos(i), k, i * kvDim, v, i * kvDim);
        }
        float[] out = p.buffer(Pass.Slot.ATTENTION, qDim);
        int heads = spec.numHeads();
        kernels.parallelFor(p.n() * heads, ih -> {
            int i = ih / heads;
            applyHead(out, i * qDim, q, i * qDim, p.kv(i), layer, p.pos(i), ih % heads, sinks);
        });
        return out;
    }

    /** {@link #apply(Pass, int, float[], float[], float[], float[])} without sinks. */
    public float[] apply(Pass p, int layer, float[] q, float[] k, float[] v) {
        return apply(p, layer, q, k, v, null);
    }

    /**
     * Attends from head {@code h} of the query row {@code q[qOff ..]} (numHeads * headDim values) at
     * position {@code pos} over the positions of layer {@code layer} it may see, writing headDim values to
     * {@code out[outOff + h * headDim ..]}. Heads are independent, so callers may run them on any thread.
     */
    public void applyHead(float[] out, int outOff, float[] q, int qOff, AttentionCache cache, int layer, int pos, int h,
                          float[] sinks) {
        int headDim = spec.headDim();
        float[] keys = cache.keys(layer);
        float[] values = cache.values(layer);
        int kvDim = spec.kvDim();
        int kvOff = (h / (spec.numHeads() / spec.numKvHeads())) * headDim;
        int first = spec.window() == 0 ? 0 : Math.max(0, pos - spec.window() + 1);
        int count = pos + 1 - first;
        float[] qh = new float[headDim];
        float[] scores = new float[count + 1];
        // the query is rounded as the cache's storage is (ggml converts it to F16 for an F16 cache)
        for (int i = 0; i < headDim; i++) {
            qh[i] = cache.round(q[qOff + h * headDim + i]);
        }
        // scores: scaled dot products with the visible cached keys of this head's KV group
        kernels.dots(scores, 0, qh, 0, keys, first * kvDim + kvOff, kvDim, count, headDim);
        float scale = spec.scale();
        float cap = spec.softCap();
        for (int t = 0; t < count; t++) {
            scores[t] *= scale;
            if (cap != 0f) {
                scores[t] = cap * kernels.math().tanh(scores[t] / cap);
            }
        }
        // a sink is one more logit in the softmax; its weight multiplies no value
        int n = count;
        if (sinks != null) {
            scores[n++] = sinks[h];
        }
        Softmax.apply(scores, 0, n, kernels.math());
        // weighted sum of the values; softmax weights are rounded like the cache too (F16 product with V)
        for (int t = 0; t < count; t++) {
            scores[t] = cache.round(scores[t]);
        }
        kernels.weightedSum(out, outOff + h * headDim, scores, 0, values, first * kvDim + kvOff, kvDim, count, headDim);
    }
}
