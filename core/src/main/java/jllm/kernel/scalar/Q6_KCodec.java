package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import jllm.tensor.GgmlType;

/**
 * Q6_K: {@code ql[128], qh[64], scales[16] (int8), d (f16)}; 16 groups of 16. In half h, for l < 32,
 * with {@code a = ql[64h + l], b = ql[64h + 32 + l], c = qh[32h + l]}: value {@code 128h + l} is
 * {@code (a & 15) | (c & 3) << 4}, {@code +32} is {@code (b & 15) | (c >> 2 & 3) << 4}, {@code +64} is
 * {@code a >> 4 | (c >> 4 & 3) << 4}, {@code +96} is {@code b >> 4 | (c >> 6) << 4}; each minus 32,
 * times {@code d * scales[group]}.
 */
final class Q6_KCodec implements BlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_K;
    }

    /** The signed 6-bit value {@code 128 * half + 32 * quarter + l} of the block at {@code offset}. */
    static int value(MemorySegment s, long offset, int half, int quarter, int l) {
        int ql = Numbers.u8(s, offset + 64 * half + 32 * (quarter & 1) + l);
        int qh = Numbers.u8(s, offset + 128 + 32 * half + l);
        int low = quarter < 2 ? ql & 0xF : ql >> 4;
        return (low | (((qh >> (2 * quarter)) & 3) << 4)) - 32;
    }

    @Override
    public void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        float d = Numbers.f16(src, offset + 208);
        for (int half = 0; half < 2; half++) {
            for (int quarter = 0; quarter < 4; quarter++) {
                for (int l = 0; l < 32; l++) {
                    int sc = Numbers.i8(src, offset + 192 + 8 * half + 2 * quarter + l / 16);
                    dst[dstOffset + 128 * half + 32 * quarter + l] = d * sc * value(src, offset, half, quarter, l);
                }
            }
        }
    }

    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        byte[] y = x.qs;
        int base = block * 256;
        int isum = 0;
        for (int half = 0; half < 2; half++) {
            for (int quarter = 0; quarter < 4; quarter++) {
                for (int g = 0; g < 2; g++) {
                    int sc = Numbers.i8(w, offset + 192 + 8 * half + 2 * quarter + g);
                    int sum = 0;
                    for (int l = 16 * g; l < 16 * g + 16; l++) {
                        sum += y[base + 128 * half + 32 * quarter + l] * value(w, offset, half, quarter, l);
                    }
                    isum += sc * sum;
                }
            }
        }
        return (Numbers.f16(w, offset + 208) * x.d[block]) * isum;
    }
}
