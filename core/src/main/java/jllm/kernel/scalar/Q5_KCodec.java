package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jllm.tensor.GgmlType;

/**
 * Q5_K: {@code d, dmin (f16), scales[12], qh[32], qs[128]}: Q4_K with a fifth bit per value; value
 * {@code 64c + l} takes bit 2c of {@code qh[l]}, value {@code 64c + 32 + l} bit 2c + 1.
 */
final class Q5_KCodec implements BlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_K;
    }

    private static int low(MemorySegment s, long offset, int c, int l) {
        int q = Numbers.u8(s, offset + 48 + 32 * c + l) & 0xF;
        return q + ((Numbers.u8(s, offset + 16 + l) & (1 << (2 * c))) != 0 ? 16 : 0);
    }

    private static int high(MemorySegment s, long offset, int c, int l) {
        int q = Numbers.u8(s, offset + 48 + 32 * c + l) >> 4;
        return q + ((Numbers.u8(s, offset + 16 + l) & (2 << (2 * c))) != 0 ? 16 : 0);
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
            for (int l = 0; l < 32; l++) {
                dst[y++] = d1 * low(src, offset, c, l) - m1;
            }
            for (int l = 0; l < 32; l++) {
                dst[y++] = d2 * high(src, offset, c, l) - m2;
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
            int lo = 0;
            for (int l = 0; l < 32; l++) {
                lo += y[e++] * low(w, offset, c, l);
            }
            int hi = 0;
            for (int l = 0; l < 32; l++) {
                hi += y[e++] * high(w, offset, c, l);
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
     * quantize_row_q5_K_ref: as Q4_K with levels 0..31 (16 candidate scales from -0.5); the fifth bit of
     * value {@code 64c + l} goes to bit 2c of {@code qh[l]}, of value {@code 64c + 32 + l} to bit 2c + 1.
     */
    @Override
    public void quantizeBlock(MemorySegment dst, long offset, float[] src, int srcOffset) {
        byte[] levels = new byte[256];
        KQuantFit.scaleMinBlock(dst, offset, src, srcOffset, 31, -0.5f, 15, levels);
        byte[] qh = new byte[32];
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                int l1 = levels[64 * c + l];
                int l2 = levels[64 * c + 32 + l];
                qh[l] |= (byte) (((l1 >> 4) << (2 * c)) | ((l2 >> 4) << (2 * c + 1)));
                dst.set(ValueLayout.JAVA_BYTE, offset + 48 + 32 * c + l, (byte) ((l1 & 0xF) | ((l2 & 0xF) << 4)));
            }
        }
        MemorySegment.copy(qh, 0, dst, ValueLayout.JAVA_BYTE, offset + 16, 32);
    }
}
