package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import jllm.tensor.GgmlType;

/**
 * Q3_K: {@code hmask[32], qs[64], scales[12], d (f16)}; 16 groups of 16 with signed 6-bit scales (see
 * {@link KScales#q3Scale}). Value {@code 128h + 32j + l} has low bits {@code (qs[32h + l] >> 2j) & 3}
 * and is lowered by 4 unless bit {@code 4h + j} of {@code hmask[l]} is set.
 */
final class Q3_KCodec implements BlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_K;
    }

    private static int value(MemorySegment s, long offset, int half, int j, int l) {
        int low = (Numbers.u8(s, offset + 32 + 32 * half + l) >> (2 * j)) & 3;
        int high = Numbers.u8(s, offset + l) & (1 << (4 * half + j));
        return low - (high != 0 ? 0 : 4);
    }

    @Override
    public void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        float dAll = Numbers.f16(src, offset + 108);
        int y = dstOffset;
        for (int half = 0; half < 2; half++) {
            for (int j = 0; j < 4; j++) {
                for (int g = 0; g < 2; g++) {
                    float dl = dAll * KScales.q3Scale(src, offset + 96, 8 * half + 2 * j + g);
                    for (int l = 16 * g; l < 16 * g + 16; l++) {
                        dst[y++] = dl * value(src, offset, half, j, l);
                    }
                }
            }
        }
    }

    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        byte[] y = x.qs;
        int e = block * 256;
        int isum = 0;
        for (int half = 0; half < 2; half++) {
            for (int j = 0; j < 4; j++) {
                for (int g = 0; g < 2; g++) {
                    int sc = KScales.q3Scale(w, offset + 96, 8 * half + 2 * j + g);
                    int sum = 0;
                    for (int l = 16 * g; l < 16 * g + 16; l++) {
                        sum += y[e++] * value(w, offset, half, j, l);
                    }
                    isum += sc * sum;
                }
            }
        }
        return (Numbers.f16(w, offset + 108) * x.d[block]) * isum;
    }
}
