package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;

/** The dot product of one weight row, stored in memory, with one prepared activation row. */
@FunctionalInterface
public interface RowDot {
    /** Rows of cols floats that the scratch passed to {@link #dotMany} and {@link #dotRows} holds. */
    int SCRATCH_ROWS = 4;

    /**
     * Bytes of one run that {@link #dotRuns} reads before it turns to the next run, for types read in
     * spans ({@link #dotSpan}): short enough that the runs' reads overlap, long enough that the call and
     * the running sums' load and store per span cost little beside the span.
     */
    long SPAN_BYTES = 512;

    /**
     * @param w      weight memory
     * @param offset byte offset of the row in {@code w}
     * @param x      the activation, prepared in the format the weight type expects
     * @param cols   values in the row (a multiple of the weight block size)
     */
    float dot(MemorySegment w, long offset, Activation x, int cols);

    /**
     * {@link #dot} of {@code count} consecutive weight rows (row k at {@code offset + k * rowBytes}) with
     * one activation, into {@code out[outOffset + k]}: a decoding step's matrix-vector product. Fast paths
     * override it to load each activation value once for several rows; each result equals {@link #dot}
     * bit for bit.
     */
    default void dotRows(MemorySegment w, long offset, long rowBytes, int count, Activation x, int cols, float[] out,
                         int outOffset) {
        int state = spanState();
        if (state == 0) {
            for (int k = 0; k < count; k++) {
                out[outOffset + k] = dot(w, offset + k * rowBytes, x, cols);
            }
            return;
        }
        float[] sums = new float[state]; // one array for all the rows: dot would allocate one per row
        int blocks = cols / spanColumns();
        for (int k = 0; k < count; k++) {
            dotSpan(w, offset + k * rowBytes, x, 0, blocks, sums, 0);
            out[outOffset + k] = spanResult(w, offset + k * rowBytes, x, cols, sums, 0);
        }
    }

    /**
     * Floats of running sums a row's dot keeps from one span of blocks to the next ({@link #dotSpan}); 0
     * when the type has no span kernel.
     */
    default int spanState() {
        return 0;
    }

    /** Columns per block that {@link #dotSpan} counts (the type's block, or a few vectors for plain types). */
    default int spanColumns() {
        return 1;
    }

    /**
     * Blocks [from, to) of the row at {@code offset} with one activation, continuing the running sums in
     * {@code state[at .. at + spanState())}, or from zero when {@code from} is 0 (then {@code state} is only
     * written: a vector load of floats just written one by one would wait on the stores). A row's dot is its spans in order,
     * then {@link #spanResult}: the same operations on the same values as {@link #dot}, so the same bits,
     * whatever the cut into spans. Only for types whose {@link #spanState} is above 0.
     */
    default void dotSpan(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        throw new UnsupportedOperationException("no span kernel for this type");
    }

    /** The dot of the row at {@code offset} from the running sums its spans left in {@code state[at ..]}. */
    default float spanResult(MemorySegment w, long offset, Activation x, int cols, float[] state, int at) {
        throw new UnsupportedOperationException("no span kernel for this type");
    }

    /** Whether {@link #dotRuns} reads {@code runs} runs side by side (else it takes them row by row). */
    default boolean readsSideBySide(int runs) {
        int side = runsSideBySide();
        return runs > 1 && (side > 1 && runs % side == 0 || spanState() > 0);
    }

    /**
     * How many rows {@link #dotSideBySide} reads block by block side by side; 1 when the type has no such
     * kernel (then {@link #dotRuns} reads runs span by span, {@link #dotSpan}, or row by row when the type
     * has no span kernel either, which gains nothing over one run).
     */
    default int runsSideBySide() {
        return 1;
    }

    /**
     * {@link #runsSideBySide} rows, row r at {@code offset + r * rowStride}, with one activation, read block by
     * block side by side, into {@code out[at + r * outStride]}; each result equals {@link #dot} bit for bit.
     * Only for types whose {@link #runsSideBySide} is above 1.
     */
    default void dotSideBySide(MemorySegment w, long offset, long rowStride, Activation x, int cols, float[] out, int at,
                               int outStride) {
        throw new UnsupportedOperationException("no side-by-side row dot for this type");
    }

    /**
     * {@link #dotRows} over {@code runs} runs of {@code count} consecutive rows: run j starts at
     * {@code offset + j * runBytes}, and row k of run j goes to {@code out[outOffset + j * runStride + k]}.
     * The runs are read side by side (row k of every run before row k + 1; block by block in groups of
     * {@link #runsSideBySide} where the type has such a kernel, else {@link #SPAN_BYTES} of each run in
     * turn through {@link #dotSpan}), so one core keeps several independent memory streams in flight, far
     * apart in the tensor. Each result equals {@link #dot} bit for bit.
     */
    default void dotRuns(MemorySegment w, long offset, long runBytes, int runs, long rowBytes, int count, Activation x,
                         int cols, float[] out, int outOffset, int runStride) {
        int side = runsSideBySide();
        int state = spanState();
        if (side > 1 && runs % side == 0) {
            for (int k = 0; k < count; k++) {
                for (int j = 0; j < runs; j += side) {
                    dotSideBySide(w, offset + j * runBytes + k * rowBytes, runBytes, x, cols, out,
                            outOffset + j * runStride + k, runStride);
                }
            }
        } else if (state > 0 && runs > 1) {
            // Row k of every run, SPAN_BYTES of each in turn: each run keeps its own running sums.
            float[] sums = new float[runs * state];
            int blocks = cols / spanColumns();
            int step = (int) Math.max(1, Math.min(blocks, SPAN_BYTES * blocks / rowBytes));
            for (int k = 0; k < count; k++) {
                long row = offset + k * rowBytes;
                for (int from = 0; from < blocks; from += step) {
                    int to = Math.min(blocks, from + step);
                    for (int j = 0; j < runs; j++) {
                        dotSpan(w, row + j * runBytes, x, from, to, sums, j * state);
                    }
                }
                for (int j = 0; j < runs; j++) {
                    out[outOffset + j * runStride + k] = spanResult(w, row + j * runBytes, x, cols, sums, j * state);
                }
            }
        } else {
            for (int k = 0; k < count; k++) {
                for (int j = 0; j < runs; j++) {
                    out[outOffset + j * runStride + k] = dot(w, offset + j * runBytes + k * rowBytes, x, cols);
                }
            }
        }
    }

    /**
     * The dots of one weight row with four activation rows, into {@code out[0..3]}. Fast paths override
     * it to decode the weight row once for all four; each result must equal {@link #dot} bit for bit,
     * so that a prompt gives the same logits whether it is evaluated in one batch or token by token.
     */
    default void dot4(MemorySegment w, long offset, Activation x0, Activation x1, Activation x2, Activation x3,
                      int cols, float[] out) {
        out[0] = dot(w, offset, x0, cols);
        out[1] = dot(w, offset, x1, cols);
        out[2] = dot(w, offset, x2, cols);
        out[3] = dot(w, offset, x3, cols);
    }

    /**
     * The dots of one weight row with n activation rows: {@code out[outOffset + i * outStride]} for i in
     * [0, n). Each result equals {@link #dot} bit for bit. The default takes the activations four at a
     * time with {@link #dot4}; fast paths whose weights are costly to decode override it to decode the
     * row once into {@code scratch} (room for {@link #SCRATCH_ROWS} rows of cols floats) for all n.
     */
    default void dotMany(MemorySegment w, long offset, Activation[] xs, int n, int cols, float[] out, int outOffset,
                         int outStride, float[] scratch) {
        float[] four = new float[4];
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            dot4(w, offset, xs[i], xs[i + 1], xs[i + 2], xs[i + 3], cols, four);
            for (int j = 0; j < 4; j++) {
                out[outOffset + (i + j) * outStride] = four[j];
            }
        }
        for (; i < n; i++) {
            out[outOffset + i * outStride] = dot(w, offset, xs[i], cols);
        }
    }

    /**
     * {@link #dotMany} for {@code count} consecutive weight rows, row k at {@code offset + k * rowBytes}
     * with its results at {@code out[outOffset + k + i * outStride]}. Fast paths override it to load each
     * activation value once for several weight rows. Each result equals {@link #dot} bit for bit.
     */
    default void dotRows(MemorySegment w, long offset, long rowBytes, int count, Activation[] xs, int n, int cols,
                         float[] out, int outOffset, int outStride, float[] scratch) {
        for (int k = 0; k < count; k++) {
            dotMany(w, offset + k * rowBytes, xs, n, cols, out, outOffset + k, outStride, scratch);
        }
    }
}
