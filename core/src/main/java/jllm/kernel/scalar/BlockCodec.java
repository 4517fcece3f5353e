package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import jllm.tensor.GgmlType;

/**
 * The reference for one weight type: decode a block, and dot a block with the matching block of a
 * prepared activation, both as ggml's scalar code computes them ({@code dequantize_row_*} and
 * {@code ggml_vec_dot_*_generic}). Plain types (F32, F16, BF16) have blocks of one value.
 */
public interface BlockCodec extends RowDot {

    /** The weight type this codec reads. */
    GgmlType type();

    /** The activation format ggml pairs with this type ({@code vec_dot_type}). */
    ActivationFormat activationFormat();

    /** Decodes the block at {@code src[offset ..]} into {@code dst[dstOffset .. dstOffset + blockSize)}. */
    void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset);

    /** Dot product of the block at {@code w[offset ..]} with block number {@code block} of {@code x}. */
    float dotBlock(MemorySegment w, long offset, Activation x, int block);

    /** Whether {@link #quantizeBlock} is implemented for this type. */
    default boolean canQuantize() {
        return false;
    }

    /**
     * Encodes {@code blockSize} values from {@code src[srcOffset ..]} into one block at
     * {@code dst[offset ..]}, as ggml's reference quantizer ({@code quantize_row_*_ref}) does.
     */
    default void quantizeBlock(MemorySegment dst, long offset, float[] src, int srcOffset) {
        throw new UnsupportedOperationException("jllm cannot quantize to " + type() + " yet");
    }

    /** Sums the block dots in float, in order, as ggml's generic dot products do. */
    @Override
    default float dot(MemorySegment w, long offset, Activation x, int cols) {
        GgmlType t = type();
        int blocks = cols / t.blockSize;
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            sum += dotBlock(w, offset + (long) b * t.blockBytes, x, b);
        }
        return sum;
    }
}
