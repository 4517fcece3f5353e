package jllm.model;

import java.util.Arrays;

/**
 * The key/value cache of one sequence of an attention model: for every layer, the keys and values of
 * every position seen so far. It grows with the context actually used (doubling, up to
 * {@code maxContext}) and rewinds to any earlier position.
 *
 * <p>With {@link Type#F16} (llama.cpp's default) stored values are rounded to half precision, and
 * attention rounds queries and softmax weights to half precision too, as ggml's F16 matrix products
 * do; this keeps logits within llama.cpp's own rounding of its reference outputs.
 */
public final class AttentionCache implements KvCache {

    private final Type type;
    private final int numLayers;
    private final int kvDim;
    private final int maxContext;
    private float[][] keys;   // (numLayers)(capacity * kvDim)
    private float[][] values; // (numLayers)(capacity * kvDim)
    private int capacity;
    private int length;

    /**
     * @param type       storage precision
     * @param numLayers  layers
     * @param kvDim      numKvHeads * headDim
     * @param maxContext most positions the cache may hold
     */
    public AttentionCache(Type type, int numLayers, int kvDim, int maxContext) {
        if (maxContext <= 0) {
            throw new IllegalArgumentException("context length must be positive, got " + maxContext);
        }
        this.type = type;
        this.numLayers = numLayers;
        this.kvDim = kvDim;
        this.maxContext = maxContext;
        this.capacity = Math.min(maxContext, 64);
        this.keys = new float[numLayers][Math.multiplyExact(capacity, kvDim)];
        this.values = new float[numLayers][Math.multiplyExact(capacity, kvDim)];
    }

    /** Storage precision. */
    public Type type() {
        return type;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int maxContext() {
        return maxContext;
    }

    /** Drops every position from {@code newLength} on, exactly. */
    @Override
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of " + length + " positions to " + newLength);
        }
        length = newLength;
    }

    @Override
    public void ensureCapacity(int endExclusive) {
        if (endExclusive > maxContext) {
            throw new ContextOverflowException(endExclusive, maxContext);
        }
        if (endExclusive <= capacity) {
            return;
        }
        int cap = capacity;
        while (cap < endExclusive) {
            cap = (int) Math.min((long) cap * 2, maxContext);
        }
        for (int l = 0; l < numLayers; l++) {
            keys[l] = Arrays.copyOf(keys[l], cap * kvDim);
            values[l] = Arrays.copyOf(values[l], cap * kvDim);
        }
        capacity = cap;
    }

    /** Stores the key and value rows of position {@code pos} in layer {@code layer}. */
    public void store(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        int off = pos * kvDim;
        float[] kd = keys[layer];
        float[] vd = values[layer];
        for (int i = 0; i < kvDim; i++) {
            kd[off + i] = round(k[kOff + i]);
            vd[off + i] = round(v[vOff + i]);
        }
    }

    @Override
    public void advanceTo(int endExclusive) {
        length = Math.max(length, endExclusive);
    }

    /** Keys of one layer: (capacity, kvDim). */
    public float[] keys(int layer) {
        return keys[layer];
    }

    /** Values of one layer: (capacity, kvDim). */
    public float[] values(int layer) {
        return values[layer];
    }

    /** Rounds a value as this cache's storage does. */
    public float round(float x) {
        return type == Type.F16 ? Float.float16ToFloat(Float.floatToFloat16(x)) : x;
    }

    /** At full context in its nominal precision. */
    @Override
    public long bytesAtFullContext() {
        return 2L * numLayers * maxContext * kvDim * (type == Type.F16 ? 2 : 4);
    }
}
