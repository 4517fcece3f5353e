package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import jllm.tensor.GgmlType;

/**
 * Q5_0: {@code d (f16), qh[4], qs[16]}. Value j takes its low 4 bits from the nibbles as in Q4_0 and
 * its fifth bit from bit j of the little-endian word qh; minus 16, times d.
 */
final class Q5_0Codec implements BlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_0;
    }

    @Override
    public void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        float d = Numbers.f16(src, offset);
        int qh = Numbers.u32(src, offset + 2);
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(src, offset + 6 + j);
            int x0 = ((q & 0x0F) | (((qh >>> j) << 4) & 0x10)) - 16;
            int x1 = ((q >> 4) | ((qh >>> (j + 12)) & 0x10)) - 16;
            dst[dstOffset + j] = x0 * d;
            dst[dstOffset + j + 16] = x1 * d;
        }
    }

    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        byte[] y = x.qs;
        int base = block * 32;
        int qh = Numbers.u32(w, offset + 2);
        int sum0 = 0;
        int sum1 = 0;
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(w, offset + 6 + j);
            int x0 = ((q & 0x0F) | (((qh >>> j) << 4) & 0x10)) - 16;
            int x1 = ((q >> 4) | ((qh >>> (j + 12)) & 0x10)) - 16;
            sum0 += x0 * y[base + j];
            sum1 += x1 * y[base + j + 16];
        }
        return (Numbers.f16(w, offset) * x.d[block]) * (sum0 + sum1);
    }
}
