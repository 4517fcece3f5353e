package jllm.model;

import jllm.format.gguf.GgufMetadata;

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

    /** The metadata. */
    public GgufMetadata metadata() {
        return m;
    }
}
