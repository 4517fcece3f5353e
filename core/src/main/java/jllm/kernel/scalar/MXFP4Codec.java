package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jllm.tensor.GgmlType;

/**
 * MXFP4 (OCP microscaling FP4, gpt-oss's expert weights): {@code e (E8M0), qs[16]}. Value j is
 * {@code d * KVALUES[qs[j] & 15]}, value j + 16 is {@code d * KVALUES[qs[j] >> 4]}, with
 * {@code d = 2^(e - 128)}: ggml stores the E2M1 values doubled (integers) and halves the scale to match
 * ({@link Numbers#e8m0Half}).
 */
final class MXFP4Codec implements BlockCodec, ScaledBlocks {

    /** ggml's kvalues_mxfp4: the E2M1 values 0, 0.5, 1, 1.5, 2, 3, 4, 6 and their negatives, doubled. */
    static final byte[] KVALUES = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

    @Override
    public GgmlType type() {
        return GgmlType.MXFP4;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_0;
    }

    @Override
    public void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        float d = Numbers.e8m0Half(Numbers.u8(src, offset));
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(src, offset + 1 + j);
            dst[dstOffset + j] = KVALUES[q & 0x0F] * d;
            dst[dstOffset + j + 16] = KVALUES[q >> 4] * d;
        }
    }

    @Override
    public float quantsBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(src, offset + 1 + j);
            dst[dstOffset + j] = KVALUES[q & 0x0F];
            dst[dstOffset + j + 16] = KVALUES[q >> 4];
        }
        return Numbers.e8m0Half(Numbers.u8(src, offset));
    }

    /** ggml_vec_dot_mxfp4_q8_0_generic: an integer sum per block times {@code d_x * d_w}. */
    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        byte[] y = x.qs;
        int base = block * 32;
        int sum1 = 0;
        int sum2 = 0;
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(w, offset + 1 + j);
            sum1 += y[base + j] * KVALUES[q & 0x0F];
            sum2 += y[base + j + 16] * KVALUES[q >> 4];
        }
        return (x.d[block] * Numbers.e8m0Half(Numbers.u8(w, offset))) * (sum1 + sum2);
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /**
     * quantize_row_mxfp4_ref: {@code e = floor(log2(amax)) - 2 + 127}, so that amax lands in [8d, 16d)
     * (values above 12d, the top of the doubled table, saturate there), and each value takes the table
     * entry nearest to it (the first on ties: zero is +0, a value halfway between two entries takes the
     * lower index).
     *
     * <p>ggml converts the float exponent to {@code uint8_t} directly, which C leaves undefined below 0
     * (amax under 2^-125); x86 builds and gguf-py both wrap it modulo 256, to a scale so large that every
     * value rounds to 0, and jllm writes the same bytes. For finite inputs the exponent never exceeds 252.
     */
    @Override
    public void quantizeBlock(MemorySegment dst, long offset, float[] src, int srcOffset) {
        float amax = 0;
        for (int j = 0; j < 32; j++) {
            if (amax < Math.abs(src[srcOffset + j])) {
                amax = Math.abs(src[srcOffset + j]);
            }
        }
        int e = amax > 0 ? (int) (Math.floor(log2f(amax)) - 2 + 127) & 0xFF : 0;
        float d = Numbers.e8m0Half(e);
        dst.set(ValueLayout.JAVA_BYTE, offset, (byte) e);
        for (int j = 0; j < 16; j++) {
            int x0 = bestIndex(src[srcOffset + j], d);
            int x1 = bestIndex(src[srcOffset + 16 + j], d);
            dst.set(ValueLayout.JAVA_BYTE, offset + 1 + j, (byte) (x0 | (x1 << 4)));
        }
    }

    /**
     * C's {@code log2f}: log2 in double, rounded once to float. Only values just below a power of two
     * matter (rounding up moves the floor by one); there this agrees with glibc's log2f, checked against
     * ggml's C quantizer on every power of two from 2^-126 to 2^127 and its neighbours.
     */
    private static float log2f(float v) {
        return (float) (Math.log(v) / Math.log(2));
    }

    /** best_index_mxfp4: the entry k with the least |k * d - x|, the first one on ties. */
    private static int bestIndex(float x, float d) {
        int best = 0;
        float bestErr = Math.abs(KVALUES[0] * d - x);
        for (int i = 1; i < 16; i++) {
            float err = Math.abs(KVALUES[i] * d - x);
            if (err < bestErr) {
                best = i;
                bestErr = err;
            }
        }
        return best;
    }
}
