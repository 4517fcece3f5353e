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
}
