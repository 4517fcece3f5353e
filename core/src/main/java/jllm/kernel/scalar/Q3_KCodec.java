package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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

    @Override
    public boolean canQuantize() {
        return true;
    }

    /**
     * quantize_row_q3_K_ref: per group of 16 a refined symmetric fit with levels -4..3
     * ({@link KQuantFit#symmetricRefined}), signed 6-bit group scales relative to the largest
     * ({@code d = max / -32}), levels recomputed against them; the third bit of value j goes to bit
     * {@code j / 32} of {@code hmask[j % 32]}, the low two bits four to a byte.
     */
    @Override
    public void quantizeBlock(MemorySegment dst, long offset, float[] src, int srcOffset) {
        byte[] levels = new byte[256];
        float[] scales = new float[16];
        float maxScale = 0;
        float amax = 0;
        for (int g = 0; g < 16; g++) {
            scales[g] = KQuantFit.symmetricRefined(16, 4, src, srcOffset + 16 * g, levels, 16 * g);
            if (Math.abs(scales[g]) > amax) {
                amax = Math.abs(scales[g]);
                maxScale = scales[g];
            }
        }
        byte[] packed = new byte[12];
        short dBits = 0;
        if (maxScale != 0) {
            float iscale = -32f / maxScale;
            for (int g = 0; g < 16; g++) {
                int l = Math.max(-32, Math.min(31, (byte) Numbers.nearestInt(iscale * scales[g]))) + 32;
                if (g < 8) {
                    packed[g] = (byte) (l & 0xF);
                } else {
                    packed[g - 8] |= (byte) ((l & 0xF) << 4);
                }
                packed[g % 4 + 8] |= (byte) ((l >> 4) << (2 * (g / 4)));
            }
            dBits = Float.floatToFloat16(1 / iscale);
        }
        MemorySegment.copy(packed, 0, dst, ValueLayout.JAVA_BYTE, offset + 96, 12);
        dst.set(Numbers.LE_SHORT, offset + 108, dBits);
        float d16 = Float.float16ToFloat(dBits);
        for (int g = 0; g < 16; g++) {
            float d = d16 * KScales.q3Scale(dst, offset + 96, g);
            if (d == 0) {
                continue;
            }
            for (int i = 0; i < 16; i++) {
                int l = Numbers.nearestInt(src[srcOffset + 16 * g + i] / d);
                levels[16 * g + i] = (byte) (Math.max(-4, Math.min(3, l)) + 4);
            }
        }
        byte[] hmask = new byte[32];
        for (int j = 0; j < 256; j++) {
            if (levels[j] > 3) {
                hmask[j % 32] |= (byte) (1 << (j / 32));
                levels[j] -= 4;
            }
        }
        MemorySegment.copy(hmask, 0, dst, ValueLayout.JAVA_BYTE, offset, 32);
        for (int half = 0; half < 2; half++) {
            int j = 128 * half;
            for (int l = 0; l < 32; l++) {
                int q = levels[j + l] | (levels[j + l + 32] << 2) | (levels[j + l + 64] << 4) | (levels[j + l + 96] << 6);
                dst.set(ValueLayout.JAVA_BYTE, offset + 32 + 32 * half + l, (byte) q);
            }
        }
    }
}
