package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;

/** The dot product of one weight row, stored in memory, with one prepared activation row. */
@FunctionalInterface
public interface RowDot {
    /**
     * @param w      weight memory
     * @param offset byte offset of the row in {@code w}
     * @param x      the activation, prepared in the format the weight type expects
     * @param cols   values in the row (a multiple of the weight block size)
     */
    float dot(MemorySegment w, long offset, Activation x, int cols);

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
}
