package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import jllm.tensor.GgmlType;

/**
 * Q2_K: {@code scales[16], qs[64], d, dmin (f16)}; 256 values in 16 groups of 16. Byte {@code scales[g]}
 * holds the group scale (low nibble, times d) and min (high nibble, times dmin). In each half of 128
 * values, the 2-bit field at shift 2j of {@code qs[32h + l]} is value {@code 128h + 32j + l}.
 */
final class Q2_KCodec implements BlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_K;
    }

    @Override
    public void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        float d = Numbers.f16(src, offset + 80);
        float min = Numbers.f16(src, offset + 82);
        int y = dstOffset;
        for (int half = 0; half < 2; half++) {
            long q = offset + 16 + 32 * half;
            for (int j = 0; j < 4; j++) {
                int shift = 2 * j;
                for (int g = 0; g < 2; g++) {
                    int sc = Numbers.u8(src, offset + 8 * half + 2 * j + g);
                    float dl = d * (sc & 0xF);
                    float ml = min * (sc >> 4);
                    for (int l = 0; l < 16; l++) {
                        dst[y++] = dl * ((Numbers.u8(src, q + 16 * g + l) >> shift) & 3) - ml;
                    }
                }
            }
        }
    }

    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        byte[] y = x.qs;
        int base = block * 256;
        int summs = 0;
        for (int g = 0; g < 16; g++) {
            summs += x.bsums[block * 16 + g] * (Numbers.u8(w, offset + g) >> 4);
        }
        int isum = 0;
        for (int half = 0; half < 2; half++) {
            long q = offset + 16 + 32 * half;
            for (int j = 0; j < 4; j++) {
                int shift = 2 * j;
                for (int g = 0; g < 2; g++) {
                    int sc = Numbers.u8(w, offset + 8 * half + 2 * j + g) & 0xF;
                    int e = base + 128 * half + 32 * j + 16 * g;
                    int sum = 0;
                    for (int l = 0; l < 16; l++) {
                        sum += y[e + l] * ((Numbers.u8(w, q + 16 * g + l) >> shift) & 3);
                    }
                    isum += sc * sum;
                }
            }
        }
        float dall = x.d[block] * Numbers.f16(w, offset + 80);
        float dmin = x.d[block] * Numbers.f16(w, offset + 82);
        return dall * isum - dmin * summs;
    }
}
