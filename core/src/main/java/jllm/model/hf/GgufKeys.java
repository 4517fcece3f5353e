package jllm.model.hf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jllm.format.gguf.GgufValue;
import jllm.format.gguf.GgufValueType;

/** GGUF metadata being written: typed puts in insertion order, as a converter writes them. */
public final class GgufKeys {
    private final Map<String, GgufValue> values = new LinkedHashMap<>();

    /** A string. */
    public GgufKeys str(String key, String v) {
        values.put(key, new GgufValue(GgufValueType.STRING, v));
        return this;
    }

    /** A uint32. */
    public GgufKeys u32(String key, long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(key + ": " + v + " does not fit a uint32");
        }
        values.put(key, new GgufValue(GgufValueType.UINT32, v));
        return this;
    }

    /** A float32. */
    public GgufKeys f32(String key, double v) {
        values.put(key, new GgufValue(GgufValueType.FLOAT32, (double) (float) v));
        return this;
    }

    /** A bool. */
    public GgufKeys bool(String key, boolean v) {
        values.put(key, new GgufValue(GgufValueType.BOOL, v));
        return this;
    }

    /** An array of float32. */
    public GgufKeys f32s(String key, double[] v) {
        double[] f = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        values.put(key, new GgufValue(GgufValueType.ARRAY, new GgufValue.GgufArray(GgufValueType.FLOAT32, null, f, null, null, null)));
        return this;
    }

    /** An array of int32 (llama.cpp writes per-layer integer arrays so). */
    public GgufKeys i32s(String key, long[] v) {
        values.put(key, new GgufValue(GgufValueType.ARRAY, new GgufValue.GgufArray(GgufValueType.INT32, v.clone(), null, null, null, null)));
        return this;
    }

    /** An array of bools (llama.cpp writes per-layer flags so, e.g. which layers slide). */
    public GgufKeys bools(String key, boolean[] v) {
        values.put(key, new GgufValue(GgufValueType.ARRAY, new GgufValue.GgufArray(GgufValueType.BOOL, null, null, v.clone(), null, null)));
        return this;
    }

    /** An array of strings. */
    public GgufKeys strs(String key, List<String> v) {
        values.put(key, new GgufValue(GgufValueType.ARRAY, new GgufValue.GgufArray(GgufValueType.STRING, null, null, null, List.copyOf(v), null)));
        return this;
    }

    /** Any value. */
    public GgufKeys put(String key, GgufValue v) {
        values.put(key, v);
        return this;
    }

    /** Whether a key was written. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The keys written, in order. */
    public Map<String, GgufValue> asMap() {
        return values;
    }
}
