package jllm.train.guard;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How the guard turns a text's final-normed hidden states (every token of every window) into the one
 * vector its head reads; stored in the GGUF as {@code jllm.guard.pooling} (absent = {@link #MEAN}).
 * <ul>
 *   <li>{@link #MEAN}: the per-dimension mean over all tokens (dim).</li>
 *   <li>{@link #MAX}: the per-dimension maximum over all tokens (dim): one planted sentence can set it,
 *       however long the text around it.</li>
 *   <li>{@link #MEAN_MAX}: the two concatenated, {@code [mean, max]} (2 * dim).</li>
 * </ul>
 */
public enum GuardPooling {
    MEAN("mean"),
    MAX("max"),
    MEAN_MAX("mean_max");

    /** Metadata key of the pooling, by {@link #key()}. */
    public static final String KEY = "jllm.guard.pooling";

    private final String key;

    GuardPooling(String key) {
        this.key = key;
    }

    /** The name in the GGUF and on the command line: {@code mean}, {@code max} or {@code mean_max}. */
    public String key() {
        return key;
    }

    /** Width of the pooled vector over {@code dim}-wide hidden states. */
    public int width(int dim) {
        return this == MEAN_MAX ? 2 * dim : dim;
    }

    /** The pooling named {@code key}; a clear message for any other name. */
    public static GuardPooling of(String key) {
        for (GuardPooling p : values()) {
            if (p.key.equals(key)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown guard pooling '" + key + "': expected one of "
                + Arrays.stream(values()).map(GuardPooling::key).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return key;
    }
}
