package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jllm.tensor.GgmlType;

/**
 * Q4_K: {@code d, dmin (f16), scales[12], qs[128]}; 8 sub-blocks of 32 with 6-bit scales and mins
 * ({@link KScales}). In chunk c of 64 values, the low nibbles of {@code qs[32c + l]} are sub-block 2c,
 * the high nibbles sub-block 2c + 1. Value = {@code d * scale * q - dmin * min}.
 */
final class Q4_KCodec implements BlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_K;
    }

    @Override
    public void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        float d = Numbers.f16(src, offset);
        float min = Numbers.f16(src, offset + 2);
        int y = dstOffset;
        for (int c = 0; c < 4; c++) {
            float d1 = d * KScales.q4Scale(src, offset + 4, 2 * c);
            float m1 = min * KScales.q4Min(src, offset + 4, 2 * c);
            float d2 = d * KScales.q4Scale(src, offset + 4, 2 * c + 1);
            float m2 = min * KScales.q4Min(src, offset + 4, 2 * c + 1);
            long q = offset + 16 + 32 * c;
            for (int l = 0; l < 32; l++) {
                dst[y++] = d1 * (Numbers.u8(src, q + l) & 0xF) - m1;
            }
            for (int l = 0; l < 32; l++) {
                dst[y++] = d2 * (Numbers.u8(src, q + l) >> 4) - m2;
            }
        }
    }

    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        byte[] y = x.qs;
        int e = block * 256;
        int summs = 0;
        for (int g = 0; g < 16; g++) {
            summs += x.bsums[block * 16 + g] * KScales.q4Min(w, offset + 4, g / 2);
        }
        int isum = 0;
        for (int c = 0; c < 4; c++) {
            long q = offset + 16 + 32 * c;
            int lo = 0;
            for (int l = 0; l < 32; l++) {
                lo += y[e++] * (Numbers.u8(w, q + l) & 0xF);
            }
            int hi = 0;
            for (int l = 0; l < 32; l++) {
                hi += y[e++] * (Numbers.u8(w, q + l) >> 4);
            }
            isum += KScales.q4Scale(w, offset + 4, 2 * c) * lo + KScales.q4Scale(w, offset + 4, 2 * c + 1) * hi;
        }
        float d = Numbers.f16(w, offset) * x.d[block];
        float dmin = Numbers.f16(w, offset + 2) * x.d[block];
        return d * isum - dmin * summs;
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /**
     * quantize_row_q4_K_ref: per sub-block of 32 a weighted scale/min fit with levels 0..15 (21 candidate
     * scales), 6-bit scales and mins relative to the block's largest, then levels recomputed against them.
     */
    @Override
    public void quantizeBlock(MemorySegment dst, long offset, float[] src, int srcOffset) {
        byte[] levels = new byte[256];
        KQuantFit.scaleMinBlock(dst, offset, src, srcOffset, 15, -1f, 20, levels);
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                int q = levels[64 * c + l] | (levels[64 * c + 32 + l] << 4);
                dst.set(ValueLayout.JAVA_BYTE, offset + 16 + 32 * c + l, (byte) q);
            }
        }
    }
}
