package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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

    @Override
    public boolean canQuantize() {
        return true;
    }

    /**
     * quantize_row_q2_K_ref: per group of 16 a scale/min fit with levels 0..3 weighted by |x| on the
     * absolute error ({@link KQuantFit#scaleMin}), 4-bit scales and mins relative to the block's largest,
     * then levels recomputed against them; four levels per byte.
     */
    @Override
    public void quantizeBlock(MemorySegment dst, long offset, float[] src, int srcOffset) {
        byte[] levels = new byte[256];
        float[] scales = new float[16];
        float[] mins = new float[16];
        float[] weights = new float[16];
        float[] minOut = new float[1];
        float maxScale = 0;
        float maxMin = 0;
        for (int g = 0; g < 16; g++) {
            for (int l = 0; l < 16; l++) {
                weights[l] = Math.abs(src[srcOffset + 16 * g + l]);
            }
            scales[g] = KQuantFit.scaleMin(16, 3, src, srcOffset + 16 * g, weights, levels, 16 * g, minOut, -0.5f, 0.1f, 15, true);
            mins[g] = minOut[0];
            maxScale = scales[g] > maxScale ? scales[g] : maxScale;
            maxMin = mins[g] > maxMin ? mins[g] : maxMin;
        }
        int[] packed = new int[16];
        short dBits = 0;
        if (maxScale > 0) {
            float iscale = 15f / maxScale;
            for (int g = 0; g < 16; g++) {
                packed[g] = Numbers.nearestInt(iscale * scales[g]) & 0xFF;
            }
            dBits = Float.floatToFloat16(maxScale / 15f);
        }
        short dminBits = 0;
        if (maxMin > 0) {
            float iscale = 15f / maxMin;
            for (int g = 0; g < 16; g++) {
                packed[g] = (packed[g] | (Numbers.nearestInt(iscale * mins[g]) << 4)) & 0xFF;
            }
            dminBits = Float.floatToFloat16(maxMin / 15f);
        }
        for (int g = 0; g < 16; g++) {
            dst.set(ValueLayout.JAVA_BYTE, offset + g, (byte) packed[g]);
        }
        dst.set(Numbers.LE_SHORT, offset + 80, dBits);
        dst.set(Numbers.LE_SHORT, offset + 82, dminBits);
        float d16 = Float.float16ToFloat(dBits);
        float dmin16 = Float.float16ToFloat(dminBits);
        for (int g = 0; g < 16; g++) {
            float d = d16 * (packed[g] & 0xF);
            if (d == 0) {
                continue;
            }
            float dm = dmin16 * (packed[g] >> 4);
            for (int i = 0; i < 16; i++) {
                int l = Numbers.nearestInt((src[srcOffset + 16 * g + i] + dm) / d);
                levels[16 * g + i] = (byte) Math.max(0, Math.min(3, l));
            }
        }
        for (int half = 0; half < 2; half++) {
            int j = 128 * half;
            for (int l = 0; l < 32; l++) {
                int q = levels[j + l] | (levels[j + l + 32] << 2) | (levels[j + l + 64] << 4) | (levels[j + l + 96] << 6);
                dst.set(ValueLayout.JAVA_BYTE, offset + 16 + 32 * half + l, (byte) q);
            }
        }
    }
}
