package jllm.model;

import jllm.format.gguf.GgufMetadata;
import jllm.format.gguf.GgufValueType;

/**
 * Reads architecture hyperparameters ({@code <arch>.<key>}) from GGUF metadata into typed values,
 * with range checks, so config records never cast raw metadata.
 */
public final class HyperParams {
    private final GgufMetadata m;
    private final String prefix;

    public HyperParams(GgufMetadata metadata, String arch) {
        this.m = metadata;
        this.prefix = arch + ".";
    }

    /** A required positive int (at most 2^24, larger than any real hyperparameter but a sane bound). */
    public int positive(String key) {
        return m.intIn(prefix + key, 1, 1 << 24)
                .orElseThrow(() -> m.error(prefix + key, "missing required hyperparameter"));
    }

    /** An optional positive int. */
    public int positive(String key, int fallback) {
        return m.intIn(prefix + key, 1, 1 << 24).orElse(fallback);
    }

    /** An optional float. */
    public float number(String key, float fallback) {
        var v = m.number(prefix + key);
        if (v.isEmpty()) {
            return fallback;
        }
        double d = v.getAsDouble();
        if (!Double.isFinite(d)) {
            throw m.error(prefix + key, "value " + d + " is not finite");
        }
        return (float) d;
    }

    /**
     * Which of {@code numLayers} layers use sliding-window attention, as llama.cpp reads
     * {@code <arch>.attention.sliding_window_pattern}: one BOOL per layer, or a period; absent, the
     * family's {@code defaultPeriod} (see {@link #periodic}).
     */
    public boolean[] slidingLayers(int numLayers, int defaultPeriod) {
        String key = prefix + "attention.sliding_window_pattern";
        if (m.get(key).map(v -> v.type() == GgufValueType.ARRAY).orElse(false)) {
            boolean[] layers = m.boolArray(key).orElseThrow();
            if (layers.length != numLayers) {
                throw m.error(key, layers.length + " flags for " + numLayers + " layers");
            }
            return layers;
        }
        return periodic(numLayers, m.intIn(key, 0, 1 << 24).orElse(defaultPeriod));
    }

    /**
     * Every layer slides but the last of each {@code period} (llama.cpp's {@code set_swa_pattern};
     * transformers' default {@code layer_types}: "sliding" iff (i + 1) % period != 0); period 0: all slide.
     */
    public static boolean[] periodic(int numLayers, int period) {
        boolean[] layers = new boolean[numLayers];
        for (int i = 0; i < numLayers; i++) {
            layers[i] = period == 0 || i % period < period - 1;
        }
        return layers;
    }

    /** The metadata. */
    public GgufMetadata metadata() {
        return m;
    }
}
