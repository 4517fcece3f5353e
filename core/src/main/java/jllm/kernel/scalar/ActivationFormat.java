package jllm.kernel.scalar;

/**
 * How an activation row is prepared before dot products with one weight type: ggml's
 * {@code vec_dot_type}. Quantized weights meet quantized activations (Q8_0, Q8_1 or Q8_K) so that the
 * inner products are integer; plain weights meet activations rounded to their own precision.
 */
public enum ActivationFormat {
    /** Plain floats. */
    F32(1),
    /** Floats rounded to F16 (ties to even). */
    F16(1),
    /** Floats rounded to BF16 (ties to even). */
    BF16(1),
    /** Blocks of 32 int8 with an F16 scale ({@code quantize_row_q8_0_ref}). */
    Q8_0(32),
    /** Blocks of 32 int8 with F16 scale d and F16 s = d * sum(q) ({@code quantize_row_q8_1_ref}). */
    Q8_1(32),
    /** Blocks of 256 int8 with a float scale and sums of each 16 quants ({@code quantize_row_q8_K_ref}). */
    Q8_K(256);

    /** Values per activation block. */
    public final int blockSize;

    ActivationFormat(int blockSize) {
        this.blockSize = blockSize;
    }

    /** Prepares {@code x[offset .. offset + length)}; {@code length} must be a multiple of {@link #blockSize}. */
    public Activation quantize(float[] x, int offset, int length) {
        return Activation.of(this, x, offset, length);
    }
}
