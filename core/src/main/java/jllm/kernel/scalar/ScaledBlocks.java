package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;

/**
 * Weight types whose block is one scale {@code d} and 32 small integers q, each value being
 * {@code d * q} (Q8_0, Q4_0, Q5_0, IQ4_NL with an F16 scale; MXFP4 with a power of two). A batched
 * matmul reads the quants and the scale apart and keeps ggml's block arithmetic: an exact integer sum
 * per block, then both scales.
 */
public interface ScaledBlocks {

    /**
     * Writes the 32 quants of the block at {@code src[offset ..]} to {@code dst[dstOffset ..]} as floats
     * (exact) and returns its scale d.
     */
    float quantsBlock(float[] dst, int dstOffset, MemorySegment src, long offset);
}
