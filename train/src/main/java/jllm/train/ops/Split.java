package jllm.train.ops;

import jllm.kernel.Dense;

/** Splits the rows (or values) of an elementwise op into one contiguous range per thread of the dense kernels. */
final class Split {
    private Split() {
    }

    /** A contiguous range [from, to). */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /** Runs {@code range} over [0, n), one contiguous part per thread; each index in exactly one part. */
    static void rows(Dense dense, int n, Range range) {
        int parts = Math.max(1, Math.min(dense.threads(), n));
        dense.parallelFor(parts, part -> range.run((int) ((long) n * part / parts), (int) ((long) n * (part + 1) / parts)));
    }
}
