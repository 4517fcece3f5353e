package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Little-endian reads from tensor memory and the number conversions ggml uses: F16 and BF16 to and
 * from float, C's {@code roundf} and ggml's {@code nearest_int}.
 */
public final class Numbers {

    /** Little-endian unaligned 16-bit load/store layout (ggml files are little-endian). */
    public static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian unaligned 32-bit integer layout. */
    public static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian unaligned 64-bit integer layout. */
    public static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian unaligned float layout. */
    public static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Numbers() {
    }

    /** Unsigned byte at {@code offset}. */
    public static int u8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    /** Signed byte at {@code offset}. */
    public static int i8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset);
    }

    /** The F16 value at {@code offset}, as a float (exact). */
    public static float f16(MemorySegment s, long offset) {
        return Float.float16ToFloat(s.get(LE_SHORT, offset));
    }

    /** Little-endian 32-bit word at {@code offset}. */
    public static int u32(MemorySegment s, long offset) {
        return s.get(LE_INT, offset);
    }

    /** {@code v} rounded to the nearest F16 (ties to even) and widened back: ggml's FP32 -> FP16 -> FP32. */
    public static float roundToF16(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    /**
     * ggml's {@code ggml_e8m0_to_fp32_half}: half the E8M0 scale {@code e}, i.e. {@code 2^(e - 128)}, built
     * from its bits (MXFP4 stores its E2M1 values doubled). e = 0 and 1 give the subnormals 2^-128 and
     * 2^-127; e = 255 (NaN in E8M0) gives 2^127, as in ggml, which does not handle NaN either.
     */
    public static float e8m0Half(int e) {
        return Float.intBitsToFloat(e < 2 ? 0x00200000 << e : (e - 1) << 23);
    }

    /** BF16 bits to float: the bits become the high half of a float. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /**
     * Float to BF16 bits as ggml's {@code GGML_FP32_TO_BF16}: round to nearest even; a NaN stays NaN and
     * is made quiet.
     */
    public static short floatToBf16(float v) {
        int u = Float.floatToRawIntBits(v);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    /** {@code v} rounded to BF16 and widened back. */
    public static float roundToBf16(float v) {
        return bf16ToFloat(floatToBf16(v));
    }

    /** C's {@code roundf}: nearest integer, halfway cases away from zero. */
    public static float roundf(float v) {
        // Exact in double: |v| + 0.5 cannot round for any float below 2^52.
        return (float) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }

    /**
     * ggml's {@code nearest_int}: round to nearest, ties to even, by adding 1.5 * 2^23 in float arithmetic.
     * Valid for {@code |v| <= 4194303}, as in ggml.
     */
    public static int nearestInt(float v) {
        float shifted = v + 12582912.f;
        int bits = Float.floatToRawIntBits(shifted);
        return (bits & 0x007fffff) - 0x00400000;
    }
}
