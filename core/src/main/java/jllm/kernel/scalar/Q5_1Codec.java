package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import jllm.tensor.GgmlType;

/** Q5_1: {@code d, m (f16), qh[4], qs[16]}: 5-bit values as in Q5_0 without the -16, times d, plus m. */
final class Q5_1Codec implements BlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.Q5_1;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_1;
    }

    @Override
    public void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        float d = Numbers.f16(src, offset);
        float m = Numbers.f16(src, offset + 2);
        int qh = Numbers.u32(src, offset + 4);
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(src, offset + 8 + j);
            int x0 = (q & 0x0F) | (((qh >>> j) << 4) & 0x10);
            int x1 = (q >> 4) | ((qh >>> (j + 12)) & 0x10);
            dst[dstOffset + j] = x0 * d + m;
            dst[dstOffset + j + 16] = x1 * d + m;
        }
    }

    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        byte[] y = x.qs;
        int base = block * 32;
        int qh = Numbers.u32(w, offset + 4);
        int sum0 = 0;
        int sum1 = 0;
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(w, offset + 8 + j);
            int x0 = (q & 0x0F) | (((qh >>> j) << 4) & 0x10);
            int x1 = (q >> 4) | ((qh >>> (j + 12)) & 0x10);
            sum0 += x0 * y[base + j];
            sum1 += x1 * y[base + j + 16];
        }
        return (Numbers.f16(w, offset) * x.d[block]) * (sum0 + sum1) + Numbers.f16(w, offset + 2) * x.s[block];
    }
}
