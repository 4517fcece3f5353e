package jllm.model.blocks;

import java.util.EnumMap;

import jllm.kernel.Kernels;
import jllm.model.AttentionCache;
import jllm.model.KvCache;
import jllm.model.RecurrentState;
import jllm.tensor.Tensor;

/**
 * One forward call through the layers: the token rows, where each lives (its sequence's cache and its
 * position there), the residual stream, and the scratch buffers the blocks share. A layer function
 * reads {@link #x()} through {@link #norm}, computes a sublayer with the blocks, and adds the result
 * back with {@link #add}.
 *
 * <p>Buffers are named by {@link Slot} and reused from layer to layer (a slot's contents are only
 * valid until the next block writes the same slot).
 */
public final class Pass {

    /** Scratch buffers, each (n, width) for the width a block asks for. */
    public enum Slot {
        /** A normalized copy of the residual stream: a sublayer's input. */
        NORMED,
        /** Query projections. */
        Q,
        /** Key projections. */
        K,
        /** Value projections. */
        V,
        /** A fused projection (qkv or gate_up) before it is split. */
        FUSED,
        /** Attention output before its projection. */
        ATTENTION,
        /** Feed-forward gate (then the gated activation). */
        GATE,
        /** Feed-forward up projection. */
        UP,
        /** A sublayer's output, to be added to the residual stream. */
        OUT
    }

    private final Kernels kernels;
    private final KvCache[] caches; // (n) each row's sequence
    private final int[] pos;        // (n) each row's position in its sequence
    private final int dim;
    private final float[] x;        // (n, dim) residual stream
    private final EnumMap<Slot, float[]> buffers = new EnumMap<>(Slot.class);

    /**
     * @param kernels matmuls and threads
     * @param caches  row i's cache
     * @param pos     row i's position
     * @param dim     width of the residual stream
     */
    public Pass(Kernels kernels, KvCache[] caches, int[] pos, int dim) {
        this.kernels = kernels;
        this.caches = caches;
        this.pos = pos;
        this.dim = dim;
        this.x = new float[Math.multiplyExact(caches.length, dim)];
    }

    /** Number of token rows. */
    public int n() {
        return caches.length;
    }

    /** Width of the residual stream. */
    public int dim() {
        return dim;
    }

    /** The residual stream, (n, dim). */
    public float[] x() {
        return x;
    }

    /** Row i's cache. */
    public KvCache cache(int i) {
        return caches[i];
    }

    /** Row i's keys and values, for attention layers. */
    public AttentionCache kv(int i) {
        if (caches[i] instanceof AttentionCache kv) {
            return kv;
        }
        throw new IllegalStateException("an attention layer needs a key/value cache, got " + caches[i].getClass().getSimpleName());
    }

    /** Row i's recurrent state, for state-space layers. */
    public RecurrentState state(int i) {
        if (caches[i] instanceof RecurrentState s) {
            return s;
        }
        throw new IllegalStateException("a state-space layer needs a recurrent state, got " + caches[i].getClass().getSimpleName());
    }

    /** Row i's position in its sequence. */
    public int pos(int i) {
        return pos[i];
    }

    /** The kernels. */
    public Kernels kernels() {
        return kernels;
    }

    /** The scratch buffer of a slot, at least (n, width) values; contents undefined. */
    public float[] buffer(Slot slot, int width) {
        int size = Math.multiplyExact(caches.length, width);
        float[] b = buffers.get(slot);
        if (b == null || b.length < size) {
            b = new float[size];
            buffers.put(slot, b);
        }
        return b;
    }

    /** RMSNorm of every row of the residual stream, into {@link Slot#NORMED}: a sublayer's input. */
    public float[] norm(float[] weight, float eps) {
        float[] out = buffer(Slot.NORMED, dim);
        RmsNorm.applyRows(out, x, weight, dim, n(), eps);
        return out;
    }

    /** {@code out = in · wᵀ} for every row, into {@code slot}: (n, w.rows()). */
    public float[] matmul(Slot slot, Tensor w, float[] in) {
        float[] out = buffer(slot, Math.toIntExact(w.rows()));
        kernels.matmul(out, w, in, n());
        return out;
    }

    /**
     * Projections sharing one input (q/k/v, or gate/up), into their slots with one hand-off: returns
     * one array per weight.
     */
    public float[][] matmul(Slot[] slots, Tensor[] ws, float[] in) {
        float[][] outs = new float[ws.length][];
        for (int j = 0; j < ws.length; j++) {
            outs[j] = buffer(slots[j], Math.toIntExact(ws[j].rows()));
        }
        kernels.matmul(outs, ws, in, n());
        return outs;
    }

    /** Adds {@code bias} (width values) to every row of {@code a}, (n, width). */
    public void addBias(float[] a, float[] bias) {
        int w = bias.length;
        for (int i = 0; i < n(); i++) {
            for (int j = 0; j < w; j++) {
                a[i * w + j] += bias[j];
            }
        }
    }

    /** Adds a sublayer's output (n, dim) to the residual stream. */
    public void add(float[] y) {
        int size = n() * dim;
        for (int i = 0; i < size; i++) {
            x[i] += y[i];
        }
    }

    /**
     * Adds a sublayer's output (n, dim), RMS-normalized row by row in place, to the residual stream: a
     * post-norm (Gemma 2 and 3, OLMo 2).
     */
    public void addNormed(float[] y, float[] weight, float eps) {
        RmsNorm.applyRows(y, y, weight, dim, n(), eps);
        add(y);
    }

    /** Adds a sublayer's output (n, dim) times {@code scale} to the residual stream. */
    public void add(float[] y, float scale) {
        int size = n() * dim;
        for (int i = 0; i < size; i++) {
            x[i] += y[i] * scale;
        }
    }
}
