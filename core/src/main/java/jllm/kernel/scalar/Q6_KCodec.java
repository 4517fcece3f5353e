package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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

    @Override
    public boolean canQuantize() {
        return true;
    }

    /**
     * quantize_row_q6_K_ref: per group of 16 a symmetric fit with levels -32..31 ({@link KQuantFit#symmetric}),
     * int8 group scales relative to the largest ({@code d = max / -128}), then levels recomputed against them.
     */
    @Override
    public void quantizeBlock(MemorySegment dst, long offset, float[] src, int srcOffset) {
        byte[] levels = new byte[256];
        float[] scales = new float[16];
        float maxScale = 0;
        float maxAbsScale = 0;
        for (int g = 0; g < 16; g++) {
            scales[g] = KQuantFit.symmetric(16, 32, src, srcOffset + 16 * g, levels, 16 * g);
            if (Math.abs(scales[g]) > maxAbsScale) {
                maxAbsScale = Math.abs(scales[g]);
                maxScale = scales[g];
            }
        }
        if (maxAbsScale < KQuantFit.GROUP_MAX_EPS) {
            dst.asSlice(offset, 210).fill((byte) 0);
            return;
        }
        float iscale = -128f / maxScale;
        short dBits = Float.floatToFloat16(1 / iscale);
        dst.set(Numbers.LE_SHORT, offset + 208, dBits);
        float d16 = Float.float16ToFloat(dBits);
        for (int g = 0; g < 16; g++) {
            int sc = Math.min(127, Numbers.nearestInt(iscale * scales[g]));
            dst.set(ValueLayout.JAVA_BYTE, offset + 192 + g, (byte) sc);
            float d = d16 * (byte) sc;
            if (d == 0) {
                continue;
            }
            for (int i = 0; i < 16; i++) {
                int l = Numbers.nearestInt(src[srcOffset + 16 * g + i] / d);
                levels[16 * g + i] = (byte) (Math.max(-32, Math.min(31, l)) + 32);
            }
        }
        for (int half = 0; half < 2; half++) {
            int j = 128 * half;
            for (int l = 0; l < 32; l++) {
                int q1 = levels[j + l];
                int q2 = levels[j + l + 32];
                int q3 = levels[j + l + 64];
                int q4 = levels[j + l + 96];
                dst.set(ValueLayout.JAVA_BYTE, offset + 64 * half + l, (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4)));
                dst.set(ValueLayout.JAVA_BYTE, offset + 64 * half + 32 + l, (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4)));
                dst.set(ValueLayout.JAVA_BYTE, offset + 128 + 32 * half + l,
                        (byte) ((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6)));
            }
        }
    }
}
